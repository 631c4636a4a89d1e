"""The records a provider keeps: registered clients, issued tokens, protected resources.

The fields of :class:`RegisteredClient` are the client options (:mod:`..faults.options`):
``add_client``, scenario files, the control API and its OpenAPI document all read them.

Layering: imports ``protocol`` and ``faults.options`` only.
"""

from __future__ import annotations

import functools
import hmac
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from mock_provider.faults.options import Option, Problem, options_of
from mock_provider.faults.options import option as _option
from mock_provider.protocol.jwks import PublicKey, jwks_problems
from mock_provider.protocol.redaction import fingerprint
from mock_provider.protocol.rfc6749 import AUTH_METHODS, SECRET_METHODS
from mock_provider.protocol.rfc6750 import BEARER_HEADER, TokenPlacement
from mock_provider.protocol.rfc7523 import CLIENT_SECRET_JWT, PRIVATE_KEY_JWT, hmac_key

from .client_keys import RemoteJWKS

__all__ = [
    "CLIENT_OPTIONS",
    "IssuedRefreshToken",
    "IssuedToken",
    "RegisteredClient",
    "Resource",
    "client_problems",
    "default_auth_methods",
]


@dataclass(frozen=True)
class RegisteredClient:
    """A client registered with the provider.

    Attributes:
        client_id, client_secret: the credentials (the secret never appears in ``repr``);
            ``None`` for a client that authenticates with keys only.
        jwks, jwks_uri: its public keys for ``private_key_jwt`` (RFC 7591 §2): a JWK Set, or
            where to fetch one (never both); ``keys`` holds the loaded set, ``remote_keys``
            the fetched one. Neither appears in ``repr``.
        scopes: the scopes the client may request.
        default_scopes: granted when the request names none; ``None`` means all of
            ``scopes`` (what Auth0 and Okta do for machine-to-machine clients).
        auth_methods: the client authentication methods it may use; by default
            ``client_secret_basic``, ``client_secret_post`` and ``client_secret_jwt`` with a
            secret, ``private_key_jwt`` with keys.
        grant_types: the grants it may use (``client_credentials`` by default).
        expires_in: its token lifetime in seconds, or ``None`` for the provider default.
        audiences: the audiences / RFC 8707 resources it may ask for; empty accepts any.
        me: extra members of its ``/api/me`` answer (an app id, a name, ...).
        refresh_tokens: issue a refresh token with each access token (RFC 6749 §6); off by
            default, as §4.4.3 says "A refresh token SHOULD NOT be included".
        rotate_refresh_tokens: each refresh grant issues a new refresh token and the old one
            stops working (§6: the server "MAY revoke the old refresh token").
        refresh_token_expires_in: the refresh tokens' lifetime in seconds (``None``: until
            revoked or rotated out).
    """

    client_id: str = _option(json=("string",), doc="the client identifier")
    client_secret: str | None = _option(
        None, json=("string",), doc="the client secret (never shown back)", repr=False
    )
    scopes: tuple[str, ...] = _option((), json=("array",), doc="scopes the client may request")
    default_scopes: tuple[str, ...] | None = _option(
        None, json=("array", "null"), doc="scopes granted when none are requested"
    )
    auth_methods: tuple[str, ...] = _option(
        (),
        json=("array", "null"),
        doc="client auth methods it may use: " + ", ".join(AUTH_METHODS) + " (default: all "
        "the secret methods with a secret, private_key_jwt with keys)",
    )
    grant_types: tuple[str, ...] = _option(
        ("client_credentials",), json=("array",), doc="grants it may use (client_credentials)"
    )
    expires_in: int | None = _option(
        None, json=("integer", "null"), doc="its token lifetime in seconds"
    )
    audiences: tuple[str, ...] = _option(
        (), json=("array",), doc="audiences / RFC 8707 resources it may ask for"
    )
    me: Mapping[str, Any] = _option(
        json=("object",), doc="extra members of its /api/me answer", factory=dict
    )
    refresh_tokens: bool = _option(
        False,
        json=("boolean",),
        doc="issue refresh tokens (RFC 6749 §6; off by default, §4.4.3 says SHOULD NOT)",
    )
    rotate_refresh_tokens: bool = _option(
        False, json=("boolean",), doc="each refresh replaces the refresh token (old one dies)"
    )
    refresh_token_expires_in: int | None = _option(
        None, json=("integer", "null"), doc="refresh token lifetime in seconds (null: none)"
    )
    jwks: Mapping[str, Any] | None = _option(
        None,
        json=("object", "null"),
        doc="a JWK Set of its public keys, for private_key_jwt (never shown back)",
        repr=False,
    )
    jwks_uri: str | None = _option(
        None, json=("string", "null"), doc="where its JWK Set is fetched (private_key_jwt)"
    )
    keys: tuple[PublicKey, ...] = field(default=(), repr=False, compare=False)
    remote_keys: RemoteJWKS | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.auth_methods:
            methods = default_auth_methods(self.client_secret, self.has_keys)
            object.__setattr__(self, "auth_methods", methods)

    @property
    def has_keys(self) -> bool:
        """Whether the client registered public keys (``jwks`` or ``jwks_uri``)."""
        return self.jwks is not None or self.jwks_uri is not None

    def check_secret(self, presented: str) -> bool:
        """Compare ``presented`` with the secret in constant time (a client without a
        secret matches nothing, after the same comparison)."""
        secret = self.client_secret if self.client_secret is not None else "\x00" * 32
        try:  # ASCII text compares as it is (compare_digest refuses other str: then bytes)
            matched = hmac.compare_digest(presented, secret)
        except TypeError:
            matched = hmac.compare_digest(presented.encode(), secret.encode())
        return matched and self.client_secret is not None

    @functools.cached_property
    def hmac_key(self) -> Any:
        """The secret as the client_secret_jwt HMAC key, imported at its first use and kept
        (``None`` without a secret). Never shown: not a field, so in no repr."""
        return None if self.client_secret is None else hmac_key(self.client_secret)

    @property
    def granted_by_default(self) -> tuple[str, ...]:
        """The scopes granted when the request names none."""
        return self.scopes if self.default_scopes is None else self.default_scopes


#: The client options, in the order every surface lists them.
CLIENT_OPTIONS: dict[str, Option] = options_of(RegisteredClient)


def default_auth_methods(secret: str | None, has_keys: bool) -> tuple[str, ...]:
    """The methods a client may use unless ``auth_methods`` narrows them: the secret's
    (RFC 6749 §2.3.1 and client_secret_jwt, whose HMAC key is the secret) and the keys'."""
    secret_methods = (*SECRET_METHODS, CLIENT_SECRET_JWT) if secret is not None else ()
    return (*secret_methods, *((PRIVATE_KEY_JWT,) if has_keys else ()))


def _credential_problems(client: RegisteredClient) -> list[Problem]:
    if not client.client_id or client.client_secret == "":
        field_name = "client_id" if not client.client_id else "client_secret"
        return [(field_name, "client_id and client_secret must be non-empty strings")]
    if client.client_secret is None and not client.has_keys:
        return [("client_secret", "required client field is missing")]
    if client.jwks is not None and client.jwks_uri is not None:
        # RFC 7591 §2: "The jwks_uri and jwks parameters MUST NOT both be present".
        return [("jwks_uri", "jwks and jwks_uri must not both be given (RFC 7591 section 2)")]
    uri = urlsplit(client.jwks_uri or "https://x")
    if uri.scheme not in ("http", "https") or not uri.netloc:
        return [("jwks_uri", "jwks_uri must be an absolute http(s) URL")]
    return []


def client_problems(client: RegisteredClient) -> list[Problem]:
    """What is wrong with a client's options, as ``(option, message)`` pairs."""
    problems = _credential_problems(client)
    if client.jwks is not None:
        problems += jwks_problems(client.jwks)
    methods = client.auth_methods
    if any(m not in AUTH_METHODS for m in methods):
        problems.append(
            (
                "auth_methods",
                f"auth_methods must be a non-empty subset of {AUTH_METHODS}, got {methods}",
            )
        )
    elif PRIVATE_KEY_JWT in methods and not client.has_keys:
        problems.append(
            (
                "auth_methods",
                "auth_methods must be methods the client can use: private_key_jwt "
                "needs jwks or jwks_uri",
            )
        )
    elif client.client_secret is None and set(methods) - {PRIVATE_KEY_JWT}:
        problems.append(
            (
                "auth_methods",
                "auth_methods must be methods the client can use: without a "
                "client_secret only private_key_jwt",
            )
        )
    defaults = client.default_scopes
    if defaults is not None and not set(defaults) <= set(client.scopes):
        problems.append(
            ("default_scopes", f"default_scopes {defaults} must be among scopes {client.scopes}")
        )
    lifetime = client.refresh_token_expires_in
    if lifetime is not None and (isinstance(lifetime, bool) or lifetime <= 0):
        problems.append(
            ("refresh_token_expires_in", f"refresh_token_expires_in must be > 0, got {lifetime}")
        )
    if (client.rotate_refresh_tokens or lifetime is not None) and not client.refresh_tokens:
        problems.append(
            ("refresh_tokens", "rotation and lifetime of refresh tokens need refresh_tokens=True")
        )
    return problems


@dataclass
class IssuedRefreshToken:
    """A refresh token (RFC 6749 §1.5): the grant it carries, never shown in ``repr``."""

    value: str = field(repr=False)
    client_id: str
    scopes: tuple[str, ...]
    audience: tuple[str, ...]
    issued_at: float
    expires_at: float | None = None
    revoked: bool = False
    # The access tokens of the same grant (RFC 7009 §2.1), shared along a rotation.
    access_tokens: list[str] = field(default_factory=list, repr=False)

    @property
    def fingerprint(self) -> str:
        """The refresh token's fingerprint, as shown in recordings."""
        return fingerprint(self.value)

    def is_active(self, now: float) -> bool:
        """Neither revoked (or rotated out) nor expired at ``now``."""
        return not self.revoked and (self.expires_at is None or now < self.expires_at)


@dataclass
class IssuedToken:
    """An access token the provider issued. ``repr`` shows a fingerprint, never the token."""

    value: str = field(repr=False)
    client_id: str
    scopes: tuple[str, ...]
    issued_at: float
    expires_at: float
    audience: tuple[str, ...]
    jti: str
    token_format: str = "opaque"
    revoked: bool = False

    @property
    def fingerprint(self) -> str:
        """The token's fingerprint, as shown in recordings."""
        return fingerprint(self.value)

    def is_active(self, now: float) -> bool:
        """Neither revoked nor expired at ``now`` (a token is dead at its ``exp`` second)."""
        return not self.revoked and now < self.expires_at


@dataclass(frozen=True)
class Resource:
    """A protected API route: the bearer token it needs and what it answers.

    ``placement`` is where it takes the token (``Authorization: Bearer`` by default).
    ``body`` is a JSON-ready value, or a callable taking the :class:`IssuedToken` and the
    :class:`RegisteredClient` and returning one; ``None`` answers with the caller's
    description (the "me" answer).
    """

    name: str
    path: str
    methods: tuple[str, ...] = ("GET",)
    scopes: tuple[str, ...] = ()
    body: Any = None
    placement: TokenPlacement = BEARER_HEADER
