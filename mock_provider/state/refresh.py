"""Refresh tokens (RFC 6749 §1.5, §6), for clients registered with ``refresh_tokens=True``.

A client-credentials client can always ask for a new access token, so §4.4.3 says "A
refresh token SHOULD NOT be included"; some providers issue one all the same, and this
store models them: issuing with the access token, the ``refresh_token`` grant's checks
(issued to this client, active, scope not beyond the original) and optional rotation.

Layering: imports ``protocol`` and ``state.records`` only.
"""

from __future__ import annotations

import secrets
import threading
from typing import TYPE_CHECKING

from mock_provider.protocol.errors import OAuthError
from mock_provider.protocol.rfc6749 import refresh_scope

from .records import IssuedRefreshToken, RegisteredClient

if TYPE_CHECKING:
    from .clock import Clock

__all__ = ["RefreshTokens"]


class RefreshTokens:
    """The refresh tokens a provider issued, by value. Thread-safe."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        self._tokens: dict[str, IssuedRefreshToken] = {}

    def issue(
        self,
        client: RegisteredClient,
        scopes: tuple[str, ...],
        audience: tuple[str, ...],
        grant: list[str],
    ) -> IssuedRefreshToken:
        """A new refresh token for ``client``'s grant of ``scopes`` and ``audience``;
        ``grant`` lists the access tokens issued under it (and grows with each refresh)."""
        now = self.clock.time()
        lifetime = client.refresh_token_expires_in
        token = IssuedRefreshToken(
            secrets.token_urlsafe(32),
            client.client_id,
            scopes,
            audience,
            now,
            None if lifetime is None else now + lifetime,
            access_tokens=grant,
        )
        with self._lock:
            self._tokens[token.value] = token
        return token

    def redeem(
        self, client: RegisteredClient, value: str | None, requested: tuple[str, ...]
    ) -> tuple[IssuedRefreshToken, tuple[str, ...]]:
        """Check a ``refresh_token`` grant (§6) and return its record and the scopes to grant;
        with rotation the record is retired (the caller issues its successor).

        Raises:
            OAuthError: ``invalid_request`` without a refresh token; ``invalid_grant`` for
                one that is unknown, expired, revoked, rotated out or another client's;
                ``invalid_scope`` for a scope beyond the original grant.
        """
        if not value:
            raise OAuthError("invalid_request", "missing refresh_token (RFC 6749 §6)")
        with self._lock:
            record = self._tokens.get(value)
            now = self.clock.time()
            # §6: the server MUST "validate the refresh token" and "ensure that the refresh
            # token was issued to the authenticated client"; §5.2 invalid_grant covers a
            # refresh token that "is invalid, expired, revoked ... or was issued to another
            # client". One description for all, so it does not tell which tokens exist.
            if record is None or not record.is_active(now) or record.client_id != client.client_id:
                raise OAuthError(
                    "invalid_grant",
                    "the refresh token is unknown, expired, revoked or not this client's",
                )
            granted = refresh_scope(requested, record.scopes)
            if client.rotate_refresh_tokens:
                # §6: "The authorization server MAY revoke the old refresh token after
                # issuing a new refresh token to the client."
                record.revoked = True
        return record, granted

    def revoke(self, value: str) -> list[str] | None:
        """Revoke one refresh token (RFC 7009); return the access tokens of its grant, or
        ``None`` if it was not a known, active refresh token."""
        with self._lock:
            record = self._tokens.get(value)
            if record is None or not record.is_active(self.clock.time()):
                return None
            record.revoked = True
            return list(record.access_tokens)

    def find(self, value: str) -> IssuedRefreshToken | None:
        """The record of a refresh token (active or not), or ``None``."""
        return self._tokens.get(value)

    @property
    def tokens(self) -> list[IssuedRefreshToken]:
        """Every refresh token issued, oldest first."""
        with self._lock:
            return list(self._tokens.values())

    def clear(self) -> None:
        """Forget every refresh token (what a reset does)."""
        with self._lock:
            self._tokens.clear()
