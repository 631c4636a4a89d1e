"""RFC 6750 (Bearer Token Usage) rules for the protected resource, as pure functions.

Layering: pure; imports only ``protocol.errors`` and ``protocol.http``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from .errors import BearerError
from .http import Headers

__all__ = ["bearer_token"]

# §2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
_B64TOKEN = re.compile(r"[A-Za-z0-9\-._~+/]+=*")


def bearer_token(
    headers: Headers,
    query: Mapping[str, str],
    form: Mapping[str, str],
    *,
    realm: str,
    resource_metadata: str | None = None,
) -> str:
    """Return the access token a request presents in its Authorization header;
    ``resource_metadata`` is the RFC 9728 URL the 401 challenge names.

    Raises:
        BearerError: the bare 401 challenge when no bearer credentials were sent (§3.1 "the
            resource server SHOULD NOT include an error code"); 400 ``invalid_request`` for
            a malformed header, a token sent by more than one method, or a token in the
            query or body (§2.2 and §2.3 are optional and this provider, like the strictest
            real ones, accepts the header only).
    """
    values = headers.get_all("Authorization")
    in_query = "access_token" in query
    in_form = "access_token" in form
    if len(values) > 1:
        raise BearerError(
            "invalid_request",
            "more than one Authorization header",
            status=400,
            realm=realm,
        )
    header = values[0] if values else None
    scheme, _, credentials = (header or "").strip().partition(" ")
    is_bearer = scheme.lower() == "bearer"  # RFC 9110 §11.1: the scheme is case-insensitive.
    if (is_bearer and (in_query or in_form)) or (in_query and in_form):
        # §3.1 invalid_request: the request "uses more than one method for including an
        # access token".
        raise BearerError(
            "invalid_request",
            "the access token was sent by more than one method (RFC 6750 §3.1)",
            status=400,
            realm=realm,
        )
    if in_query or in_form:
        where = "URI query" if in_query else "request body"
        raise BearerError(
            "invalid_request",
            f"access tokens in the {where} are not accepted here (RFC 6750 §2.2, §2.3); "
            "send 'Authorization: Bearer <token>'",
            status=400,
            realm=realm,
        )
    if not is_bearer:
        # §3.1: a request with no authentication information, or an unsupported
        # authentication method, gets the challenge without an error code.
        raise BearerError(
            None,
            "this resource requires 'Authorization: Bearer <access token>'",
            status=401,
            realm=realm,
            resource_metadata=resource_metadata,
        )
    token = credentials.strip(" ")
    if not _B64TOKEN.fullmatch(token):
        raise BearerError(
            "invalid_request",
            "the Authorization header is not 'Bearer' followed by one b64token (RFC 6750 §2.1)",
            status=400,
            realm=realm,
        )
    return token
