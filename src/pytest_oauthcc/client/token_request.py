"""Building the token and revocation requests, with the client's authentication.

Client authentication follows RFC 6749 §2.3.1 exactly (``client_secret_basic`` or
``client_secret_post``, exactly one per request, §2.3); the body is §4.4.2's form.

Layering: imports httpx, :mod:`mock_provider.protocol`, :mod:`.settings` and :mod:`.stacks`
only.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from urllib.parse import quote, urlencode

import httpx

from mock_provider.protocol import CLIENT_SECRET_BASIC

from .settings import ClientSettings
from .stacks import HTTPX, HttpStack

__all__ = ["basic_authorization", "client_request", "form_body", "token_request"]


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


def form_body(
    *,
    scopes: Sequence[str],
    audience: str | None,
    resources: Sequence[str],
    extra_params: Mapping[str, str],
    client_id: str | None = None,
    client_secret: str | None = None,
) -> bytes:
    """The §4.4.2 token request body (``client_id``/``client_secret`` for post auth)."""
    pairs: list[tuple[str, str]] = [("grant_type", "client_credentials")]
    if client_id is not None and client_secret is not None:
        pairs += [("client_id", client_id), ("client_secret", client_secret)]
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
    return urlencode(pairs).encode("ascii")


def token_request(settings: ClientSettings, stack: HttpStack = HTTPX) -> httpx.Request:
    """The §4.4.2 token request of ``stack``, authenticated as ``settings.auth_method`` says."""
    post = settings.auth_method != CLIENT_SECRET_BASIC
    body = form_body(
        scopes=settings.scopes,
        audience=settings.audience,
        resources=settings.resources,
        extra_params=settings.extra_params,
        client_id=settings.client_id if post else None,
        client_secret=settings.client_secret if post else None,
    )
    return _request(settings, settings.token_url, body, post, stack)


def client_request(
    settings: ClientSettings,
    url: httpx.URL,
    pairs: list[tuple[str, str]],
    stack: HttpStack = HTTPX,
) -> httpx.Request:
    """A form POST of ``pairs`` to ``url`` carrying the client's authentication (RFC 7009)."""
    post = settings.auth_method != CLIENT_SECRET_BASIC
    if post:
        pairs = [
            *pairs,
            ("client_id", settings.client_id),
            ("client_secret", settings.client_secret),
        ]
    return _request(settings, url, urlencode(pairs).encode("ascii"), post, stack)


def _request(
    settings: ClientSettings, url: httpx.URL, body: bytes, post: bool, stack: HttpStack
) -> httpx.Request:
    # §4.4.2: "application/x-www-form-urlencoded" with no charset parameter (strict
    # gateways refuse one); §2.3: exactly one client authentication method.
    headers = {
        "Accept": "application/json",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    if not post:
        headers["Authorization"] = basic_authorization(
            settings.client_id, settings.client_secret, form_encode=settings.basic_form_encode
        )
    if stack is HTTPX:
        return httpx.Request(
            "POST", url, headers=headers, content=body, extensions={"timeout": settings.timeout}
        )
    return stack.request(
        "POST", url, headers=headers, content=body, extensions={"timeout": settings.timeout}
    )
