"""The records a provider keeps: registered clients, issued tokens, protected resources.

The fields of :class:`RegisteredClient` are the client options (:mod:`..faults.options`):
``add_client``, scenario files, the control API and its OpenAPI document all read them.

Layering: imports ``protocol`` and ``faults.options`` only.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from mock_provider.faults.options import Option, Problem, options_of
from mock_provider.faults.options import option as _option
from mock_provider.protocol.redaction import fingerprint
from mock_provider.protocol.rfc6749 import AUTH_METHODS
from mock_provider.protocol.rfc6750 import BEARER_HEADER, TokenPlacement

__all__ = [
    "CLIENT_OPTIONS",
    "IssuedRefreshToken",
    "IssuedToken",
    "RegisteredClient",
    "Resource",
    "client_problems",
]


@dataclass(frozen=True)
class RegisteredClient:
    """A client registered with the provider.

    Attributes:
        client_id, client_secret: the credentials (the secret never appears in ``repr``).
        scopes: the scopes the client may request.
        default_scopes: granted when the request names none; ``None`` means all of
            ``scopes`` (what Auth0 and Okta do for machine-to-machine clients).
        auth_methods: the client authentication methods it may use.
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
    client_secret: str = _option(
        json=("string",), doc="the client secret (never shown back)", repr=False
    )
    scopes: tuple[str, ...] = _option((), json=("array",), doc="scopes the client may request")
    default_scopes: tuple[str, ...] | None = _option(
        None, json=("array", "null"), doc="scopes granted when none are requested"
    )
    auth_methods: tuple[str, ...] = _option(
        AUTH_METHODS, json=("array",), doc="client_secret_basic and/or client_secret_post"
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

    def check_secret(self, presented: str) -> bool:
        """Compare ``presented`` with the secret in constant time."""
        return hmac.compare_digest(presented.encode(), self.client_secret.encode())

    @property
    def granted_by_default(self) -> tuple[str, ...]:
        """The scopes granted when the request names none."""
        return self.scopes if self.default_scopes is None else self.default_scopes


#: The client options, in the order every surface lists them.
CLIENT_OPTIONS: dict[str, Option] = options_of(RegisteredClient)


def client_problems(client: RegisteredClient) -> list[Problem]:
    """What is wrong with a client's options, as ``(option, message)`` pairs."""
    problems: list[Problem] = []
    if not client.client_id or not client.client_secret:
        field_name = "client_id" if not client.client_id else "client_secret"
        problems.append((field_name, "client_id and client_secret must be non-empty strings"))
    methods = client.auth_methods
    if not methods or any(m not in AUTH_METHODS for m in methods):
        problems.append(
            (
                "auth_methods",
                f"auth_methods must be a non-empty subset of {AUTH_METHODS}, got {methods}",
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
