"""RFC 6749 (OAuth 2.0) rules for the token endpoint, as pure functions.

Each check sits next to the sentence of the RFC it enforces. Nothing here knows about HTTP
servers or clients: inputs are header values, form bodies and registered client data;
outputs are values or raised :class:`~mock_provider.protocol.errors.OAuthError`.

Layering: pure; imports only ``protocol.errors`` and ``protocol.http``.
"""

from __future__ import annotations

import base64
import binascii
import functools
import re
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import NamedTuple
from urllib.parse import parse_qsl, quote_plus, unquote_plus

from .errors import InvalidClientError, OAuthError
from .http import Headers
from .rfc7523 import CLIENT_SECRET_JWT, JWT_BEARER, PRIVATE_KEY_JWT

__all__ = [
    "AUTH_METHODS",
    "CLIENT_SECRET_BASIC",
    "CLIENT_SECRET_POST",
    "FORM_CONTENT_TYPE",
    "SECRET_METHODS",
    "Params",
    "PresentedCredentials",
    "decode_basic",
    "format_scope",
    "parse_form",
    "parse_scope",
    "presented_credentials",
]

# The client authentication methods of §2.3.1, by their RFC 8414 §2 / RFC 7591 §2 names,
# and the two of RFC 7523 §2.2 (OpenID Connect Core §9 names them): THE list of methods.
CLIENT_SECRET_BASIC = "client_secret_basic"
CLIENT_SECRET_POST = "client_secret_post"
SECRET_METHODS = (CLIENT_SECRET_BASIC, CLIENT_SECRET_POST)
AUTH_METHODS = (*SECRET_METHODS, CLIENT_SECRET_JWT, PRIVATE_KEY_JWT)

FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"

# §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
_SCOPE_TOKEN = re.compile(r"[\x21\x23-\x5b\x5d-\x7e]+")


class Params(dict[str, str]):
    """Request parameters: one value per name, plus every value of repeatable ones.

    ``multi`` maps each repeatable name sent to its values (read-only; a parse gives a
    Params its own when a repeatable parameter is sent). No ``__init__`` of its own: every
    request makes two (query and form), so ``Params()`` runs dict's alone.
    """

    multi: Mapping[str, list[str]] = MappingProxyType({})

    def getlist(self, name: str) -> list[str]:
        """Every value of a repeatable parameter (e.g. RFC 8707 ``resource``), in order."""
        return list(self.multi.get(name, ()))


# The jwt-bearer URN as a form encoder sends it (RFC 6749 Appendix B).
_ENCODED_JWT_BEARER = quote_plus(JWT_BEARER)
# RFC 8707 §2: "Multiple resource parameters MAY be used", overriding §3.1 for this name.
REPEATABLE = frozenset({"resource"})


def parse_form(
    body: bytes,
    content_type: str | None,
    *,
    allow_charset: bool = True,
) -> Params:
    """Parse an ``application/x-www-form-urlencoded`` request body.

    Raises:
        OAuthError: ``invalid_request`` for another content type, a body that is not UTF-8,
            or a repeated parameter.
    """
    if content_type != FORM_CONTENT_TYPE:  # the exact type (what clients send) is fine
        media_type, _, params = (content_type or "").partition(";")
        # §4.4.2 (and §4.1.3, §6): the client makes the request "using the
        # application/x-www-form-urlencoded format ... in the HTTP request entity-body".
        if media_type.strip().lower() != FORM_CONTENT_TYPE:
            shown = media_type.strip() or "none"
            raise OAuthError(
                "invalid_request",
                f"the request body must be {FORM_CONTENT_TYPE} (RFC 6749 §4.4.2); "
                f"Content-Type was {shown}",
            )
        if params.strip() and not allow_charset:
            raise OAuthError(
                "invalid_request",
                f"this provider accepts Content-Type {FORM_CONTENT_TYPE} with no parameters",
            )
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        # Appendix B: names and values are UTF-8 before percent-encoding.
        raise OAuthError(
            "invalid_request", "the request body is not valid UTF-8 (RFC 6749 Appendix B)"
        ) from None
    # RFC 7523 §2.2: every client assertion request carries the jwt-bearer URN, which form
    # encoders send as urn%3Aietf%3A...; decoded here at once, it is the same field (the URN
    # holds no "&", "=" or "+", and starts with no hex digit a "%" before it could take).
    return parse_parameters(text.replace(_ENCODED_JWT_BEARER, JWT_BEARER), where="request body")


def parse_parameters(text: str, *, where: str) -> Params:
    """Parse urlencoded ``text`` into a dict, enforcing §3.1 and §3.2.

    Raises:
        OAuthError: ``invalid_request`` for a repeated parameter or invalid percent-encoding.
    """
    if "%" in text or "+" in text:
        try:
            pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=False, errors="strict")
        except UnicodeDecodeError:
            raise OAuthError(
                "invalid_request", f"the {where} has percent-encoded bytes that are not UTF-8"
            ) from None
    else:
        # Nothing to decode: what parse_qsl returns, without its per-field unquoting (empty
        # fields skipped, a field without "=" has the empty value).
        pairs = [field.partition("=")[::2] for field in text.split("&") if field]
    form = Params()
    multi: dict[str, list[str]] | None = None
    seen: set[str] = set()
    for name, value in pairs:
        if name in REPEATABLE:
            if value != "":
                if multi is None:
                    multi = form.multi = {}
                multi.setdefault(name, []).append(value)
                form.setdefault(name, value)
            continue
        # §3.1 / §3.2: "Request and response parameters MUST NOT be included more than once."
        if name in seen:
            raise OAuthError(
                "invalid_request",
                f"parameter {name} is included more than once (RFC 6749 §3.1)",
            )
        seen.add(name)
        # §3.1: "Parameters sent without a value MUST be treated as if they were omitted."
        if value != "":
            form[name] = value
    return form


def parse_scope(value: str | None) -> tuple[str, ...]:
    """Split a §3.3 scope string into its tokens (order kept, duplicates dropped).

    Raises:
        OAuthError: ``invalid_scope`` for a character outside the scope-token alphabet or
            a malformed list (empty tokens between spaces).
    """
    if value is None:
        return ()
    # §3.3: scope = scope-token *( SP scope-token ): single spaces, no leading/trailing space.
    tokens = value.split(" ")
    if any(not _SCOPE_TOKEN.fullmatch(token) for token in tokens):
        raise OAuthError(
            "invalid_scope",
            "scope must be scope tokens separated by single spaces, each made of printable "
            "ASCII other than double quote and backslash (RFC 6749 §3.3)",
        )
    return tuple(dict.fromkeys(tokens))


def refresh_scope(requested: tuple[str, ...], original: tuple[str, ...]) -> tuple[str, ...]:
    """The scopes a refresh grants (§6).

    §6 scope: "The requested scope MUST NOT include any scope not originally granted by the
    resource owner, and if omitted is treated as equal to the scope originally granted".

    Raises:
        OAuthError: ``invalid_scope`` (§5.2: "exceeds the scope granted by the resource
            owner") naming the scopes beyond the original grant.
    """
    beyond = [s for s in requested if s not in original]
    if beyond:
        raise OAuthError(
            "invalid_scope",
            f"scope {format_scope(beyond)} was not granted with this refresh token; "
            f"ask for at most {format_scope(original) or '(no scope)'} (RFC 6749 §6)",
        )
    return requested or original


def format_scope(scopes: Iterable[str]) -> str:
    """Join scope tokens with single spaces (§3.3)."""
    return " ".join(scopes)


class PresentedCredentials(NamedTuple):
    """The client credentials a request presented, before they are checked.

    ``method`` is ``client_secret_basic``, ``client_secret_post`` or ``None`` (nothing sent,
    or an RFC 7523 client assertion, whose method only its verified ``alg`` tells).
    Immutable; a named tuple because every client-authenticated request builds one (a
    frozen dataclass costs three times as much to build).
    """

    method: str | None
    client_id: str | None
    client_secret: str | None = None
    assertion: str | None = None
    assertion_type: str | None = None

    @property
    def has_assertion(self) -> bool:
        """Whether the request sent ``client_assertion`` or ``client_assertion_type``."""
        return self.assertion is not None or self.assertion_type is not None

    def __repr__(self) -> str:
        secret = "<redacted>" if self.client_secret is not None else None
        assertion = "<redacted>" if self.assertion is not None else None
        return (
            f"PresentedCredentials(method={self.method!r}, client_id={self.client_id!r}, "
            f"client_secret={secret!r}, assertion={assertion!r})"
        )


def decode_basic(value: str, *, realm: str, form_encoded: bool = True) -> tuple[str, str]:
    """Decode ``Basic <base64>`` into ``(client_id, client_secret)``.

    §2.3.1: "The client identifier is encoded using the application/x-www-form-urlencoded
    encoding algorithm per Appendix B, and the encoded value is used as the username; the
    client password is encoded using the same algorithm and used as the password."
    ``form_encoded=False`` accepts the raw form some providers expect instead.

    Raises:
        OAuthError: ``invalid_client`` when the value is not valid Basic credentials.
    """
    scheme, _, credentials = value.strip().partition(" ")
    if scheme.lower() != "basic":
        raise InvalidClientError(
            f"unsupported authentication scheme {scheme[:20] or '(none)'} at the token endpoint; "
            "use HTTP Basic (client_secret_basic) or client_secret_post",
            realm=realm,
        )
    try:
        return _basic_credentials(credentials.strip(), form_encoded)
    except _Unreadable as unreadable:
        raise InvalidClientError(str(unreadable), realm=realm) from None


class _Unreadable(ValueError):
    """Basic credentials that do not decode (the message says why; it never echoes them)."""


# A client sends the same credentials on every request: decoded once each. Only what decodes
# is kept (an exception is not cached), at most 64 values, and never shown anywhere.
@functools.lru_cache(maxsize=64)
def _basic_credentials(credentials: str, form_encoded: bool) -> tuple[str, str]:
    try:
        decoded = base64.b64decode(credentials, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise _Unreadable(
            "the Basic credentials are not valid base64 of UTF-8 text (RFC 7617 §2)"
        ) from None
    client_id, colon, client_secret = decoded.partition(":")
    if not colon:
        raise _Unreadable("the Basic credentials have no ':' between client_id and client_secret")
    if form_encoded and ("%" in decoded or "+" in decoded):  # else nothing to decode
        client_id, client_secret = unquote_plus(client_id), unquote_plus(client_secret)
    return client_id, client_secret


def presented_credentials(
    headers: Headers,
    form: Mapping[str, str],
    query: Mapping[str, str],
    *,
    realm: str,
    basic_form_encoded: bool = True,
) -> PresentedCredentials:
    """Work out which client authentication the request used, without checking it.

    Raises:
        OAuthError: ``invalid_request`` when credentials are in the URI or two methods are
            combined; ``invalid_client`` for an unreadable Authorization header.
    """
    # §2.3.1: client credentials "MUST NOT be included in the request URI"; RFC 7523 §2.2
    # puts a client assertion in the request body too.
    if query and "client_assertion" in query:
        raise OAuthError(
            "invalid_request",
            "client_assertion must not be sent in the URI query (RFC 7523 §2.2); "
            "send it in the request body",
        )
    if query and "client_secret" in query:
        raise OAuthError(
            "invalid_request",
            "client_secret must not be sent in the URI query (RFC 6749 §2.3.1); "
            "send it in the request body or the Authorization header",
        )
    authorization = headers.get("Authorization")
    body_secret = form.get("client_secret")
    assertion, assertion_type = form.get("client_assertion"), form.get("client_assertion_type")
    if assertion is not None or assertion_type is not None:
        # §2.3: "The client MUST NOT use more than one authentication method in each request";
        # RFC 7523 §2.2 puts the assertion in the body, so Basic or a secret beside it is two.
        if authorization is not None or body_secret is not None:
            other = "HTTP Basic" if authorization is not None else "client_secret in the body"
            raise OAuthError(
                "invalid_request",
                f"the client authenticated with both a client_assertion and {other}; "
                "use exactly one method (RFC 6749 §2.3)",
            )
        return PresentedCredentials(
            None, form.get("client_id"), assertion=assertion, assertion_type=assertion_type
        )
    if authorization is not None:
        client_id, client_secret = decode_basic(
            authorization, realm=realm, form_encoded=basic_form_encoded
        )
        # §2.3: "The client MUST NOT use more than one authentication method in each request."
        if body_secret is not None:
            raise OAuthError(
                "invalid_request",
                "the client authenticated with both HTTP Basic and client_secret in the body; "
                "use exactly one method (RFC 6749 §2.3)",
            )
        body_id = form.get("client_id")
        if body_id is not None and body_id != client_id:
            raise OAuthError(
                "invalid_request",
                "client_id in the body does not match the client_id of the Basic credentials",
            )
        return PresentedCredentials(CLIENT_SECRET_BASIC, client_id, client_secret)
    if body_secret is not None:
        # §2.3.1: client_id and client_secret in the request body.
        return PresentedCredentials(CLIENT_SECRET_POST, form.get("client_id"), body_secret)
    return PresentedCredentials(None, form.get("client_id"))
