"""Building the token and revocation requests, with the client's authentication.

Client authentication is exactly one method per request (RFC 6749 §2.3): ``client_secret_basic``
or ``client_secret_post`` (§2.3.1), or a JWT client assertion (RFC 7523 §2.2:
``client_secret_jwt`` / ``private_key_jwt``), freshly signed for every request. The body is
§4.4.2's form.

Layering: imports httpx, :mod:`mock_provider.protocol`, :mod:`.assertion`, :mod:`.settings` and
:mod:`.stacks` only.
"""

from __future__ import annotations

import base64
import functools
import re
from collections.abc import Mapping, Sequence
from urllib.parse import quote, quote_plus

import httpx

from mock_provider.protocol import CLIENT_SECRET_BASIC, CLIENT_SECRET_POST

from .assertion import CLIENT_ASSERTION_TYPE
from .settings import ClientSettings
from .stacks import HTTPX, HttpStack

__all__ = [
    "ClientAuth",
    "basic_authorization",
    "client_auth",
    "client_request",
    "form_body",
    "token_request",
    "urlencoded",
]


# The parameter names and constant values of these requests, form-encoded once (RFC 6749
# Appendix B): quoting the jwt-bearer URN's colons costs more than the rest of a form.
_ENCODED = {
    text: quote_plus(text)
    for text in (
        "grant_type",
        "client_credentials",
        "client_id",
        "client_secret",
        "client_assertion_type",
        CLIENT_ASSERTION_TYPE,
        "client_assertion",
        "scope",
        "audience",
        "resource",
        "token",
        "token_type_hint",
    )
}


# RFC 3986 §2.3's unreserved characters, which quote_plus leaves as they are: a client
# assertion (base64url segments and dots) is one of them whole.
_UNRESERVED = re.compile(r"[A-Za-z0-9_.~-]*")


_LONGEST_ENCODED = max(map(len, _ENCODED))
_GRANT = "grant_type=client_credentials"  # every token request's first field


def _quote(text: str) -> str:
    # An assertion is longer than every constant: not hashed to be looked up in vain.
    encoded = _ENCODED.get(text) if len(text) <= _LONGEST_ENCODED else None
    if encoded is not None:
        return encoded
    return text if _UNRESERVED.fullmatch(text) else quote_plus(text)


def urlencoded(pairs: Sequence[tuple[str, str]]) -> str:
    """``pairs`` in the application/x-www-form-urlencoded format (RFC 6749 Appendix B):
    exactly what ``urllib.parse.urlencode`` gives, with the constants encoded once."""
    return "&".join(f"{_quote(name)}={_quote(value)}" for name, value in pairs)


def basic_authorization(client_id: str, client_secret: str, *, form_encode: bool = True) -> str:
    """The ``Authorization`` value for ``client_secret_basic``.

    §2.3.1: "The client identifier is encoded using the application/x-www-form-urlencoded
    encoding algorithm per Appendix B, and the encoded value is used as the username; the
    client password is encoded using the same algorithm and used as the password."
    ``form_encode=False`` sends them raw, for providers that do not decode them.

    A space is sent as ``%20`` rather than the form's ``+``: every form decoder reads both,
    while servers that only percent-decode (Authlib's ``extract_basic_authorization``
    uses ``unquote``) would read ``+`` as a literal plus and reject the secret.
    """
    if form_encode:
        client_id, client_secret = quote(client_id, safe=""), quote(client_secret, safe="")
    pair = f"{client_id}:{client_secret}".encode()
    return "Basic " + base64.b64encode(pair).decode("ascii")


class ClientAuth:
    """One request's client authentication: an ``Authorization`` header or form pairs, and
    the credential values it carries (so that an error echoing them can be scrubbed)."""

    __slots__ = ("authorization", "form", "pairs", "sent")

    def __init__(
        self,
        authorization: str | None,
        pairs: list[tuple[str, str]],
        sent: tuple[str, ...],
        form: str | None = None,
    ) -> None:
        self.authorization = authorization
        self.pairs = pairs
        self.sent = sent
        # ``urlencoded(pairs)``, when it was built with the pairs (a client assertion's).
        self.form = form

    def __repr__(self) -> str:
        return f"ClientAuth(params={[name for name, _ in self.pairs]!r})"


def client_auth(settings: ClientSettings) -> ClientAuth:
    """The client authentication of one request, as ``settings.auth_method`` says; for the
    JWT methods a new assertion (fresh ``jti``, ``iat`` now on the client's clock)."""
    method, client_id, secret = settings.auth_method, settings.client_id, settings.client_secret
    if method == CLIENT_SECRET_BASIC:
        assert secret is not None  # checked by ClientSettings.build
        header = basic_authorization(client_id, secret, form_encode=settings.basic_form_encode)
        return ClientAuth(header, [], (secret,))
    if method == CLIENT_SECRET_POST:
        assert secret is not None
        return ClientAuth(None, [("client_id", client_id), ("client_secret", secret)], (secret,))
    signer = settings.signer
    assert signer is not None  # the JWT methods always have one
    # RFC 7523 §3 item 3: "The token endpoint URL of the authorization server MAY be used as
    # a value for an 'aud' element"; the same audience serves revocation, which is what
    # verifiers accept (the token endpoint or the issuer), unless the provider wants another.
    audience = settings.assertion_audience or str(settings.token_url)
    assertion = signer.assertion(client_id, audience, now=settings.wall())
    # RFC 7521 §4.2: client_id is OPTIONAL next to an assertion; sent, as Authlib and MSAL
    # do, because some providers (Microsoft Entra ID) require it and RFC-strict ones check
    # that it equals the assertion's iss.
    pairs = [
        ("client_id", client_id),
        ("client_assertion_type", CLIENT_ASSERTION_TYPE),
        ("client_assertion", assertion),
    ]
    form = _assertion_form_head(client_id) + _quote(assertion)
    sent = (assertion,) if secret is None else (assertion, secret)
    return ClientAuth(None, pairs, sent, form)


@functools.lru_cache(maxsize=64)
def _assertion_form_head(client_id: str) -> str:
    # What every assertion request of a client repeats before its assertion, form-encoded
    # once per client_id: ``urlencoded(pairs)`` up to the assertion value.
    pairs = [("client_id", client_id), ("client_assertion_type", CLIENT_ASSERTION_TYPE)]
    return urlencoded(pairs) + "&client_assertion="


def form_body(
    *,
    scopes: Sequence[str],
    audience: str | None,
    resources: Sequence[str],
    extra_params: Mapping[str, str],
    credentials: Sequence[tuple[str, str]] = (),
    encoded_credentials: str | None = None,
) -> bytes:
    """The §4.4.2 token request body (``credentials``: the form's client authentication, or
    ``encoded_credentials``: the same pairs already form-encoded, :attr:`ClientAuth.form`)."""
    pairs: list[tuple[str, str]] = [("grant_type", "client_credentials"), *credentials]
    if encoded_credentials is not None:  # the grant, then the pairs encoded with the rest
        pairs = []
    # §3.3: scope is "a list of space-delimited, case-sensitive strings"; omitted when empty,
    # because some providers (Azure AD) reject an empty scope parameter.
    if scopes:
        pairs.append(("scope", " ".join(scopes)))
    if audience is not None:
        pairs.append(("audience", audience))
    # RFC 8707 §2: "Multiple resource parameters MAY be used to indicate that the requested
    # token is intended to be used at multiple resources."
    pairs += [("resource", r) for r in resources]
    pairs += list(extra_params.items())
    if encoded_credentials is None:
        return urlencoded(pairs).encode("ascii")
    fields = [_GRANT, encoded_credentials] if encoded_credentials else [_GRANT]
    if pairs:
        fields.append(urlencoded(pairs))
    return "&".join(fields).encode("ascii")


def token_request(
    settings: ClientSettings, stack: HttpStack = HTTPX
) -> tuple[httpx.Request, ClientAuth]:
    """The §4.4.2 token request of ``stack``, authenticated as ``settings.auth_method`` says,
    and that authentication."""
    auth = client_auth(settings)
    body = form_body(
        scopes=settings.scopes,
        audience=settings.audience,
        resources=settings.resources,
        extra_params=settings.extra_params,
        credentials=auth.pairs,
        encoded_credentials=auth.form,
    )
    return _request(settings, settings.token_url, body, auth, stack), auth


def client_request(
    settings: ClientSettings,
    url: httpx.URL,
    pairs: list[tuple[str, str]],
    stack: HttpStack = HTTPX,
) -> httpx.Request:
    """A form POST of ``pairs`` to ``url`` carrying the client's authentication (RFC 7009)."""
    auth = client_auth(settings)
    body = urlencoded([*pairs, *auth.pairs]).encode("ascii")
    return _request(settings, url, body, auth, stack)


def _request(
    settings: ClientSettings, url: httpx.URL, body: bytes, auth: ClientAuth, stack: HttpStack
) -> httpx.Request:
    # §4.4.2: "application/x-www-form-urlencoded" with no charset parameter (strict
    # gateways refuse one); §2.3: exactly one client authentication method.
    headers = {
        "Accept": "application/json",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    if auth.authorization is not None:
        headers["Authorization"] = auth.authorization
    if stack is HTTPX:
        return httpx.Request(
            "POST", url, headers=headers, content=body, extensions={"timeout": settings.timeout}
        )
    return stack.request(
        "POST", url, headers=headers, content=body, extensions={"timeout": settings.timeout}
    )
