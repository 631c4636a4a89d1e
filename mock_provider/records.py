"""The records a provider keeps: registered clients, issued tokens, protected resources."""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .recording import fingerprint
from .rfc6749 import BASIC, POST

__all__ = ["AUTH_METHODS", "IssuedToken", "RegisteredClient", "Resource"]

AUTH_METHODS = (BASIC, POST)


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
    """

    client_id: str
    client_secret: str = field(repr=False)
    scopes: tuple[str, ...] = ()
    default_scopes: tuple[str, ...] | None = None
    auth_methods: tuple[str, ...] = AUTH_METHODS
    grant_types: tuple[str, ...] = ("client_credentials",)
    expires_in: int | None = None
    audiences: tuple[str, ...] = ()
    me: Mapping[str, Any] = field(default_factory=dict)

    def check_secret(self, presented: str) -> bool:
        """Compare ``presented`` with the secret in constant time."""
        return hmac.compare_digest(presented.encode(), self.client_secret.encode())

    @property
    def granted_by_default(self) -> tuple[str, ...]:
        """The scopes granted when the request names none."""
        return self.scopes if self.default_scopes is None else self.default_scopes


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

    ``body`` is a JSON-ready value, or a callable taking the :class:`IssuedToken` and the
    :class:`RegisteredClient` and returning one; ``None`` answers with the caller's
    description (the "me" answer).
    """

    name: str
    path: str
    methods: tuple[str, ...] = ("GET",)
    scopes: tuple[str, ...] = ()
    body: Any = None
