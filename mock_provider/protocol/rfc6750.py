"""RFC 6750 (Bearer Token Usage) rules for the protected resource, as pure functions.

Layering: pure; imports only ``protocol.errors`` and ``protocol.http``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from .errors import BearerError
from .http import Headers

__all__ = ["BEARER_HEADER", "TokenPlacement", "bearer_token", "placed_token", "token_placement"]

# RFC 9110 §5.1: field-name = token (§5.6.2 tchar).
_FIELD_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")


@dataclass(frozen=True)
class TokenPlacement:
    """Where a protected resource takes the access token: ``header`` (``prefix`` + token)
    or the query parameter ``query``. The default is RFC 6750 §2.1's
    ``Authorization: Bearer <token>``; the others model APIs that do it their own way
    (``Zoho-oauthtoken <token>``, ``X-Auth-Token: <token>``) or §2.3's query parameter."""

    header: str | None = "Authorization"
    prefix: str = "Bearer "
    query: str | None = None

    @property
    def is_bearer_header(self) -> bool:
        """Whether this is §2.1's ``Authorization: Bearer`` (the scheme case-insensitive)."""
        return (
            self.query is None
            and (self.header or "").lower() == "authorization"
            and self.prefix.lower() == "bearer "
        )

    def __str__(self) -> str:
        if self.query is not None:
            return f"the query parameter {self.query}=<access token>"
        return f"'{self.header}: {self.prefix}<access token>'"


BEARER_HEADER = TokenPlacement()


def token_placement(
    token_header: str = "Authorization",
    token_prefix: str = "Bearer ",
    token_query: str | None = None,
) -> TokenPlacement:
    """The placement a resource takes, from the same three options the reference client has.

    Raises:
        ValueError: a header name that is not an RFC 9110 field name, a prefix with control
            characters, an empty query name, or a query together with a header or prefix.
    """
    if token_query is None and token_header == "Authorization" and token_prefix == "Bearer ":
        return BEARER_HEADER  # the default (every provider's "me" resource): nothing to check
    if token_query is not None:
        if (token_header, token_prefix) != ("Authorization", "Bearer "):
            raise ValueError("token_query replaces the header: give no token_header/token_prefix")
        if not isinstance(token_query, str) or not token_query:
            raise ValueError(f"token_query must be a query parameter name, got {token_query!r}")
        return TokenPlacement(header=None, prefix="", query=token_query)
    if not isinstance(token_header, str) or not _FIELD_NAME.fullmatch(token_header):
        raise ValueError(f"token_header must be an HTTP field name, got {token_header!r}")
    if not isinstance(token_prefix, str) or not all(" " <= c <= "~" for c in token_prefix):
        raise ValueError(f"token_prefix must be printable ASCII, got {token_prefix!r}")
    placement = TokenPlacement(header=token_header, prefix=token_prefix)
    return BEARER_HEADER if placement.is_bearer_header else placement


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


def placed_token(
    placement: TokenPlacement,
    headers: Headers,
    query: Mapping[str, str],
    form: Mapping[str, str],
    *,
    realm: str,
    resource_metadata: str | None = None,
) -> str:
    """Return the access token a request presents where ``placement`` says, refusing any
    other placement (a bearer header where a custom one is expected gets the challenge);
    ``resource_metadata`` is the RFC 9728 URL the 401 challenge names.

    Raises:
        BearerError: as :func:`bearer_token` does: the bare 401 challenge when the token is
            not where the resource takes it, 400 ``invalid_request`` for a repeated or empty
            one, or a token sent by more than one method (§3.1).
    """
    if placement.is_bearer_header:
        return bearer_token(headers, query, form, realm=realm, resource_metadata=resource_metadata)
    if placement.query is not None:
        # §2.3: "the client uses the URI Query Parameter method" - discouraged ("SHOULD NOT
        # be used unless it is impossible to transport the access token in the
        # "Authorization" request header field"), but some APIs take only that.
        value = query.get(placement.query)
        scheme = (headers.get("Authorization") or "").strip().partition(" ")[0]
        if value is not None and scheme.lower() == "bearer":
            raise BearerError(
                "invalid_request",
                "the access token was sent by more than one method (RFC 6750 §3.1)",
                status=400,
                realm=realm,
            )
    else:
        assert placement.header is not None
        values = headers.get_all(placement.header)
        if len(values) > 1:
            raise BearerError(
                "invalid_request",
                f"more than one {placement.header} header",
                status=400,
                realm=realm,
            )
        value = None
        # The prefix is an authentication scheme or a vendor word: compared like a scheme,
        # case-insensitively (RFC 9110 §11.1).
        if values and values[0].lower().startswith(placement.prefix.lower()):
            value = values[0][len(placement.prefix) :].strip(" ")
    if value is None:
        # §3.1: no credentials where they are expected: the challenge, without an error code.
        raise BearerError(
            None,
            f"this resource takes {placement}",
            status=401,
            realm=realm,
            resource_metadata=resource_metadata,
        )
    if not value:
        raise BearerError(
            "invalid_request", f"the access token in {placement} is empty", status=400, realm=realm
        )
    return value
