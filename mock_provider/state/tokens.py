"""The provider's token store: issuing (opaque or RFC 9068 JWT), lookup, revocation, expiry.

One part of the provider's core, holding the tokens and the JWT signing keys; the issuer
and lifetime come from the provider's :class:`~mock_provider.state.settings.Settings`.

Layering: imports ``protocol``, ``state.clock``, ``state.keys``, ``state.records``,
``state.refresh`` and ``state.settings`` only.
"""

from __future__ import annotations

import binascii
import math
import os
import threading
from typing import TYPE_CHECKING

from mock_provider.protocol.rfc9068 import access_token_claims

from .records import IssuedToken, RegisteredClient
from .refresh import RefreshTokens

if TYPE_CHECKING:
    from .clock import Clock
    from .keys import SigningKeys
    from .settings import Settings

__all__ = ["TokenStore"]

# Expired and revoked tokens are dropped once the store passes this size, so a long-running
# provider (oauthcc serve under load) keeps bounded memory. A dropped token is unknown,
# which every endpoint treats exactly like an expired or revoked one. A purge runs when the
# clock has moved on since the last one (new tokens may have died), at most once per
# provider second, or when the store has doubled: many live tokens then cost amortised
# O(1) per issue instead of a full scan each time.
_PURGE_ABOVE = 2048

# Random values for 64 tokens per read of the system's CSPRNG, encoded in one go: a
# getrandom() call and two encodings per token were the slowest steps of issuing one.
_BATCH = 64


class _Entropy:
    """(jti, token) value pairs from ``os.urandom``, made a batch at a time and handed out
    once each: 16 and 32 random bytes, URL-safe base64 as ``secrets.token_urlsafe`` gives."""

    def __init__(self) -> None:
        self._ready: list[tuple[str, str]] = []

    def forget(self) -> None:
        """Drop the values not handed out (a forked child must not hand out its parent's)."""
        self._ready = []

    def take(self) -> tuple[str, str]:
        """A pair no caller was given before."""
        # No lock: list.pop() is atomic, so each pair goes to one caller; two threads that
        # find the batch empty each make one, and the values of the one replaced are lost,
        # never handed out twice.
        try:
            return self._ready.pop()
        except IndexError:
            block = os.urandom(48 * _BATCH)
            ready = [
                (_urlsafe(block[i : i + 16]), _urlsafe(block[i + 16 : i + 48]))
                for i in range(0, len(block), 48)
            ]
            pair = ready.pop()
            self._ready = ready
            return pair


_entropy = _Entropy()
if hasattr(os, "register_at_fork"):  # POSIX
    os.register_at_fork(after_in_child=_entropy.forget)


class TokenStore:
    """Issued tokens of a provider, and the operations tests and endpoints use on them."""

    def __init__(self, settings: Settings, clock: Clock) -> None:
        self.settings = settings
        self.clock = clock
        self._lock = threading.RLock()
        self._tokens: dict[str, IssuedToken] = {}
        self._keys: SigningKeys | None = None
        self.refresh_tokens = RefreshTokens(clock)
        self._purge_above = _PURGE_ABOVE
        self._last_purge = -math.inf  # (float("-inf") parses its text in every set-up)

    @property
    def signing_keys(self) -> SigningKeys:
        """The JWT signing keys (created on first use; needs the ``jwt`` extra)."""
        if self._keys is None:
            from .keys import SigningKeys

            self._keys = SigningKeys(self.settings.access_token_alg)
        return self._keys

    def issue(
        self,
        client: RegisteredClient,
        scopes: tuple[str, ...],
        audience: tuple[str, ...] = (),
        expires_in: int | None = None,
    ) -> IssuedToken:
        """Issue a token to ``client`` for ``scopes`` (already checked) and keep it."""
        now = self.clock.time()
        lifetime = (
            expires_in
            if expires_in is not None
            else (client.expires_in if client.expires_in is not None else self.settings.expires_in)
        )
        issuer = self.settings.url
        aud = audience or client.audiences or (issuer,)
        jti, opaque = _entropy.take()  # the opaque value is the token unless it is a JWT
        token_format = self.settings.token_format
        if token_format == "jwt":
            from .keys import mint

            claims = access_token_claims(
                issuer=issuer,
                client_id=client.client_id,
                audience=aud,
                issued_at=int(now),
                lifetime=lifetime,
                jti=jti,
                scopes=scopes,
            )
            value = mint(self.signing_keys, claims)
        else:
            value = opaque
        token = IssuedToken(
            value, client.client_id, scopes, now, now + lifetime, aud, jti, token_format
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
            from .keys import verify

            if verify(self._keys, value) is None:  # signed with a rotated-out key
                return None
        return token

    @property
    def tokens(self) -> list[IssuedToken]:
        """Every token still held, oldest first."""
        with self._lock:
            return list(self._tokens.values())

    def revoke(self, value: str) -> bool:
        """Revoke one token (or refresh token); return whether it was known and active."""
        with self._lock:
            token = self._tokens.get(value)
            if token is None or not token.is_active(self.clock.time()):
                grant = self.refresh_tokens.revoke(value)
                # RFC 7009 §2.1: for a refresh token the server "SHOULD also invalidate all
                # access tokens based on the same authorization grant".
                for access in grant or ():
                    if access in self._tokens:
                        self._tokens[access].revoked = True
                return grant is not None
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

    def revoke_client(self, client_id: str) -> None:
        """Revoke every token of ``client_id`` (a removed client's tokens stop working)."""
        with self._lock:
            for token in self._tokens.values():
                if token.client_id == client_id:
                    token.revoked = True

    def sticky(self, client_id: str, scopes: tuple[str, ...]) -> IssuedToken | None:
        """The client's still-valid token for exactly ``scopes``, if any (sticky quirk)."""
        with self._lock:
            candidates = [
                t for t in self._tokens.values() if t.client_id == client_id and t.scopes == scopes
            ]
        for token in reversed(candidates):
            # active_token also refuses a JWT signed with a rotated-out key.
            if self.active_token(token.value) is not None:
                return token
        return None

    def client_of(self, value: str) -> str | None:
        """The client a token (or refresh token) value was issued to, if it is known."""
        token = self._tokens.get(value) or self.refresh_tokens.find(value)
        return token.client_id if token is not None else None

    def rotate_signing_key(self) -> None:
        """Replace the JWT signing key (tokens signed before fail from now on)."""
        self.signing_keys.rotate()

    def clear(self) -> None:
        """Forget every token (what a reset does; there is nothing else to restore)."""
        with self._lock:
            self._tokens.clear()
        self.refresh_tokens.clear()


# base64.urlsafe_b64encode's alphabet (RFC 4648 §5), applied to binascii's output directly.
_URLSAFE = bytes.maketrans(b"+/", b"-_")


def _urlsafe(raw: bytes) -> str:
    # What secrets.token_urlsafe does with its bytes: URL-safe base64, no padding.
    return binascii.b2a_base64(raw, newline=False).translate(_URLSAFE).rstrip(b"=").decode("ascii")
