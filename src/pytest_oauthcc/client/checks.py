"""Validating the reference client's arguments: each check raises
:class:`~pytest_oauthcc.ClientConfigurationError` saying which argument is wrong and why.

Layering: imports httpx, :mod:`pytest_oauthcc.errors`, :mod:`mock_provider.protocol` and
:mod:`.assertion` only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import httpx

from mock_provider.protocol import CLIENT_SECRET_BASIC, CLIENT_SECRET_POST, is_loopback
from pytest_oauthcc.errors import ClientConfigurationError

from .assertion import (
    CLIENT_SECRET_JWT,
    PRIVATE_KEY_JWT,
    AssertionSigner,
    private_key_signer,
    secret_signer,
)

__all__ = [
    "CLIENT_AUTH_METHODS",
    "ON_401",
    "assertion_signer",
    "check_credentials",
    "check_extra_params",
    "check_lifetimes",
    "check_resources",
    "check_seconds",
    "require_https",
    "validate_scopes",
]

ON_401 = ("invalid_token", "any", "never")
# RFC 8414 §2 names, in the order the docs list them.
CLIENT_AUTH_METHODS = (CLIENT_SECRET_BASIC, CLIENT_SECRET_POST, CLIENT_SECRET_JWT, PRIVATE_KEY_JWT)
# §4.4.2, §2.3.1 and RFC 7523 §2.2 own these; an extra parameter must not silently override them.
RESERVED_PARAMS = frozenset(
    {
        "grant_type",
        "client_id",
        "client_secret",
        "client_assertion",
        "client_assertion_type",
        "scope",
        "audience",
        "resource",
    }
)
# RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
_SCOPE_TOKEN = re.compile(r"[\x21\x23-\x5b\x5d-\x7e]+")


def check_credentials(
    client_id: str, secret: str | None, method: str, form_encode: bool, *, has_key: bool
) -> None:
    """Check the credentials and how they are sent.

    Raises:
        ClientConfigurationError: an empty id, an unknown method, a secret missing for a
            secret method or given to ``private_key_jwt``, a private key missing for
            ``private_key_jwt`` or given to another method, or a client id that raw HTTP
            Basic cannot carry.
    """
    if not isinstance(client_id, str) or not client_id:
        raise ClientConfigurationError("client_id must be a non-empty string")
    if method not in CLIENT_AUTH_METHODS:
        raise ClientConfigurationError(
            f"auth_method must be one of {', '.join(CLIENT_AUTH_METHODS)}, got {method!r}"
        )
    if method == PRIVATE_KEY_JWT:
        if secret is not None:
            raise ClientConfigurationError(
                "auth_method='private_key_jwt' signs with private_key=; do not pass a "
                "client_secret (give None)"
            )
        if not has_key:
            raise ClientConfigurationError(
                "auth_method='private_key_jwt' needs private_key= (a PEM private key or a "
                "private JWK dict)"
            )
    else:
        if not isinstance(secret, str) or not secret:
            raise ClientConfigurationError("client_secret must be a non-empty string")
        if has_key:
            raise ClientConfigurationError(
                f"private_key= is used only with auth_method='private_key_jwt', not {method!r}"
            )
    if method == CLIENT_SECRET_BASIC and not form_encode and ":" in client_id:
        # RFC 7617 §2: "a user-id containing a colon character is invalid".
        raise ClientConfigurationError(
            "client_id contains ':', which raw HTTP Basic cannot carry (RFC 7617 §2); "
            "use basic_form_encode=True or auth_method='client_secret_post'"
        )


def assertion_signer(
    method: str,
    secret: str | None,
    private_key: str | Mapping[str, Any] | None,
    *,
    key_id: str | None,
    assertion_alg: str | None,
    assertion_audience: str | None,
) -> AssertionSigner | None:
    """The signer of the JWT methods (RFC 7523 §2.2), its key loaded and checked now;
    ``None`` for the secret methods. Call after :func:`check_credentials`.

    Raises:
        ClientConfigurationError: an assertion option given to a secret method, ``key_id``
            to ``client_secret_jwt``, or a key or algorithm the signer refuses.
    """
    given = [
        name
        for name, value in (
            ("key_id", key_id),
            ("assertion_alg", assertion_alg),
            ("assertion_audience", assertion_audience),
        )
        if value is not None
    ]
    if method not in (CLIENT_SECRET_JWT, PRIVATE_KEY_JWT):
        if given:
            raise ClientConfigurationError(
                f"{given[0]}= is used only with auth_method='client_secret_jwt' or "
                f"'private_key_jwt', not {method!r}"
            )
        return None
    if assertion_audience is not None and (
        not isinstance(assertion_audience, str) or not assertion_audience
    ):
        raise ClientConfigurationError("assertion_audience must be a non-empty string")
    if method == CLIENT_SECRET_JWT:
        if key_id is not None:
            raise ClientConfigurationError(
                "key_id= names a private key; client_secret_jwt signs with the secret"
            )
        assert secret is not None  # check_credentials
        return secret_signer(secret, alg=assertion_alg or "HS256")
    assert private_key is not None  # check_credentials
    if key_id is not None and (not isinstance(key_id, str) or not key_id):
        raise ClientConfigurationError("key_id must be a non-empty string")
    return private_key_signer(private_key, alg=assertion_alg, kid=key_id)


def check_resources(resource: str | Sequence[str] | None) -> tuple[str, ...]:
    """The RFC 8707 resource indicators as a tuple.

    Raises:
        ClientConfigurationError: a resource that is not an absolute URI without fragment.
    """
    resources = (
        () if resource is None else (resource,) if isinstance(resource, str) else tuple(resource)
    )
    for uri in resources:
        parsed = httpx.URL(uri)
        # RFC 8707 §2: "MUST be an absolute URI ... MUST NOT include a fragment component."
        if not parsed.scheme or parsed.fragment:
            raise ClientConfigurationError(
                f"resource {uri!r} must be an absolute URI without a fragment (RFC 8707 §2)"
            )
    return resources


def check_seconds(**values: float) -> None:
    """Check that each named value is a number of seconds >= 0.

    Raises:
        ClientConfigurationError: naming the first value that is not.
    """
    for name, value in values.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0:
            raise ClientConfigurationError(
                f"{name} must be a number of seconds >= 0, got {value!r}"
            )


def check_lifetimes(
    *, default_expires_in: float, expires_in_unit: str, on_401: str, token_path: str
) -> None:
    """Check how token lifetimes and expiry signals are read.

    Raises:
        ClientConfigurationError: naming the first argument that is wrong.
    """
    if not default_expires_in > 0:
        raise ClientConfigurationError(
            f"default_expires_in must be > 0 seconds (a token never lives forever), "
            f"got {default_expires_in!r}"
        )
    if expires_in_unit not in ("s", "ms"):
        raise ClientConfigurationError(
            f"expires_in_unit must be 's' or 'ms', got {expires_in_unit!r}"
        )
    if on_401 not in ON_401:
        raise ClientConfigurationError(f"on_401 must be one of {', '.join(ON_401)}, got {on_401!r}")
    if not token_path or any(not part for part in token_path.split(".")):
        raise ClientConfigurationError(
            f"token_path must be a dotted path like 'data.access_token', got {token_path!r}"
        )


def validate_scopes(scopes: Iterable[str]) -> tuple[str, ...]:
    """The scopes, de-duplicated in order, each checked against RFC 6749 §3.3.

    Raises:
        ClientConfigurationError: for a scope that is not a §3.3 scope-token.
    """
    if isinstance(scopes, str):
        raise ClientConfigurationError(
            f"scopes must be an iterable of scope strings, got the string {scopes!r}; "
            f"pass scopes={scopes.split()!r}"
        )
    out = tuple(dict.fromkeys(scopes))
    for scope in out:
        if not isinstance(scope, str) or not _SCOPE_TOKEN.fullmatch(scope):
            raise ClientConfigurationError(
                f"scope {scope!r} is not an RFC 6749 §3.3 scope-token (printable ASCII "
                "without spaces, '\"' or '\\'); pass each scope as its own string"
            )
    return out


def check_extra_params(extra_params: Mapping[str, str] | None) -> dict[str, str]:
    """The extra parameters as a dict of strings.

    Raises:
        ClientConfigurationError: for a reserved name or a non-string value.
    """
    out = dict(extra_params or {})
    clash = sorted(RESERVED_PARAMS & set(out))
    if clash:
        raise ClientConfigurationError(
            f"extra_params must not set {', '.join(clash)}: the client sends those itself; "
            "use the scopes=, audience=, resource= or auth_method= keywords"
        )
    for name, value in out.items():
        if not isinstance(name, str) or not isinstance(value, str):
            raise ClientConfigurationError(
                f"extra_params must map strings to strings, got {name!r}: {type(value).__name__}"
            )
    return out


def require_https(url: str, what: str, *, allow_insecure_http: bool) -> httpx.URL:
    """Parse ``url`` and refuse plain HTTP to anything but a loopback host.

    RFC 6749 §3.2: "the authorization server MUST require the use of TLS ... when sending
    requests to the token endpoint", since the request carries the client secret.

    Raises:
        ClientConfigurationError: for a relative URL, another scheme, or non-loopback HTTP.
    """
    parsed = httpx.URL(url)
    if parsed.scheme not in ("https", "http") or not parsed.host:
        raise ClientConfigurationError(f"{what} must be an absolute https:// URL, got {url!r}")
    if parsed.scheme == "http" and not allow_insecure_http and not is_loopback(parsed.host):
        raise ClientConfigurationError(
            f"{what} {url!r} uses plain HTTP; the request would carry the client secret in "
            "clear (RFC 6749 §3.2 requires TLS). Use https://, a loopback host, or "
            "allow_insecure_http=True for a private test network"
        )
    return parsed
