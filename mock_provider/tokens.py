"""The provider's token store: issuing (opaque or RFC 9068 JWT), lookup, revocation, expiry.

A mixin of :class:`~mock_provider.MockProvider`, kept here so the provider's state module
stays about configuration, clients and resources.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from .errors import MockProviderError
from .records import IssuedToken, RegisteredClient

if TYPE_CHECKING:
    import threading

    from .clock import Clock
    from .rfc9068 import SigningKeys

__all__ = ["TokenStore"]

# Expired and revoked tokens are dropped once the store passes this size, so a long-running
# provider (oauthcc serve under load) keeps bounded memory. A dropped token is unknown,
# which every endpoint treats exactly like an expired or revoked one. A purge runs when the
# clock has moved on since the last one (new tokens may have died), at most once per
# provider second, or when the store has doubled: many live tokens then cost amortised
# O(1) per issue instead of a full scan each time.
_PURGE_ABOVE = 2048


class TokenStore:
    """Issued tokens of a provider, and the operations tests and endpoints use on them."""

    clock: Clock
    expires_in: int
    token_format: str
    _lock: threading.RLock
    _clients: dict[str, RegisteredClient]
    _tokens: dict[str, IssuedToken]
    _keys: SigningKeys | None
    _purge_above: int
    _last_purge: float

    @property
    def url(self) -> str:  # pragma: no cover - the provider's issuer property wins
        raise NotImplementedError

    def _init_tokens(self) -> None:
        self._tokens = {}
        self._keys = None
        self._purge_above = _PURGE_ABOVE
        self._last_purge = float("-inf")

    @property
    def signing_keys(self) -> SigningKeys:
        """The JWT signing keys (created on first use; needs the ``jwt`` extra)."""
        if self._keys is None:
            from .rfc9068 import SigningKeys

            self._keys = SigningKeys()
        return self._keys

    def issue_token(
        self,
        client_id: str,
        *,
        scopes: Iterable[str] | None = None,
        audience: Iterable[str] = (),
        expires_in: int | None = None,
    ) -> IssuedToken:
        """Issue a token to a registered client directly, as the token endpoint would.

        Raises:
            MockProviderError: if ``client_id`` is not registered.
        """
        client = self._clients.get(client_id)
        if client is None:
            raise MockProviderError(f"no client registered as {client_id!r}")
        granted = client.granted_by_default if scopes is None else tuple(scopes)
        return self._issue(client, granted, tuple(audience), expires_in)

    def _issue(
        self,
        client: RegisteredClient,
        scopes: tuple[str, ...],
        audience: tuple[str, ...],
        expires_in: int | None = None,
    ) -> IssuedToken:
        now = self.clock.time()
        lifetime = (
            expires_in
            if expires_in is not None
            else (client.expires_in if client.expires_in is not None else self.expires_in)
        )
        aud = audience or client.audiences or (self.url,)
        jti = secrets.token_urlsafe(16)
        if self.token_format == "jwt":
            from .rfc9068 import mint

            # RFC 9068 §2.2: iss, exp, aud, sub, client_id, iat, jti are REQUIRED; for a
            # client credentials grant "sub SHOULD correspond to an identifier the
            # authorization server uses to indicate the client application".
            claims: dict[str, Any] = {
                "iss": self.url,
                "sub": client.client_id,
                "aud": aud[0] if len(aud) == 1 else list(aud),
                "exp": int(now) + lifetime,
                "iat": int(now),
                "jti": jti,
                "client_id": client.client_id,
            }
            if scopes:
                claims["scope"] = " ".join(scopes)  # RFC 9068 §2.2.3
            value = mint(self.signing_keys, claims)
        else:
            value = secrets.token_urlsafe(32)
        token = IssuedToken(
            value, client.client_id, scopes, now, now + lifetime, aud, jti, self.token_format
        )
        with self._lock:
            size = len(self._tokens)
            if size > _PURGE_ABOVE and (now >= self._last_purge + 1.0 or size > self._purge_above):
                self._purge(now)
            self._tokens[value] = token
        return token

    def _purge(self, now: float) -> None:
        dead = [v for v, t in self._tokens.items() if not t.is_active(now)]
        for value in dead:
            del self._tokens[value]
        self._purge_above = 2 * len(self._tokens)
        self._last_purge = now

    def find_token(self, value: str) -> IssuedToken | None:
        """The record of an issued token (active or not), or ``None`` if unknown."""
        return self._tokens.get(value)

    def active_token(self, value: str) -> IssuedToken | None:
        """The record of ``value`` if it is an active token right now, else ``None``."""
        token = self._tokens.get(value)
        if token is None or not token.is_active(self.clock.time()):
            return None
        if token.token_format == "jwt" and self._keys is not None:
            from .rfc9068 import verify

            if verify(self._keys, value) is None:  # signed with a rotated-out key
                return None
        return token

    @property
    def tokens(self) -> list[IssuedToken]:
        """Every token still held, oldest first."""
        with self._lock:
            return list(self._tokens.values())

    def revoke(self, value: str) -> bool:
        """Revoke one token; return whether it was known and active."""
        with self._lock:
            token = self._tokens.get(value)
            if token is None or not token.is_active(self.clock.time()):
                return False
            token.revoked = True
            return True

    def revoke_all(self) -> int:
        """Revoke every token; return how many were active."""
        now = self.clock.time()
        with self._lock:
            active = [t for t in self._tokens.values() if t.is_active(now)]
            for token in active:
                token.revoked = True
        return len(active)

    def expire(self, value: str) -> None:
        """Make one token expire now (its ``expires_at`` becomes the current time)."""
        with self._lock:
            token = self._tokens[value]
            token.expires_at = min(token.expires_at, self.clock.time())
