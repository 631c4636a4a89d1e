"""A provider's JWT signing keys (RFC 9068 access tokens): minting and verifying.

Lives behind the ``jwt`` extra (joserfc). The RSA key is generated once per process and
reused by every provider (generation costs ~0.1 s); :meth:`SigningKeys.rotate` makes a new
one for a provider that simulates key rotation. The pure rules (header, claims) are in
:mod:`mock_provider.protocol.rfc9068`.

Layering: imports ``protocol`` only (joserfc lazily).
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from mock_provider.protocol.errors import MockProviderError
from mock_provider.protocol.rfc9068 import ALGORITHM, TYP, has_access_token_typ

if TYPE_CHECKING:
    from joserfc.jwk import RSAKey

__all__ = ["JWTUnavailable", "SigningKeys", "mint", "process_key", "verify"]

_process_key: RSAKey | None = None
_process_key_lock = threading.Lock()


class JWTUnavailable(MockProviderError):
    """JWT access tokens were asked for but the ``jwt`` extra is not installed."""


def _jose() -> Any:
    try:
        import joserfc  # noqa: F401
    except ImportError:  # pragma: no cover - exercised only without the extra
        raise JWTUnavailable(
            "token_format='jwt' needs the 'jwt' extra: pip install 'pytest-oauthcc[jwt]'"
        ) from None
    from joserfc import jwk, jwt

    return jwk, jwt


def _new_key() -> RSAKey:
    jwk, _ = _jose()
    key: RSAKey = jwk.RSAKey.generate_key(
        2048, parameters={"use": "sig", "alg": ALGORITHM}, auto_kid=True
    )
    return key


def process_key() -> RSAKey:
    """The RSA key shared by every provider of this process (generated on first use)."""
    global _process_key
    with _process_key_lock:
        if _process_key is None:
            _process_key = _new_key()
        return _process_key


class SigningKeys:
    """A provider's signing key; old keys are dropped on rotation, so their tokens fail."""

    def __init__(self) -> None:
        self.current = process_key()

    def rotate(self) -> None:
        """Replace the signing key; tokens signed with the old one no longer verify."""
        self.current = _new_key()

    def jwks(self) -> dict[str, Any]:
        """The public JSON Web Key Set (RFC 7517 §5)."""
        return {"keys": [self.current.as_dict(private=False)]}


def mint(keys: SigningKeys, claims: dict[str, Any]) -> str:
    """Sign ``claims`` as an RFC 9068 access token (§2.1 header, §2.2 claims)."""
    _, jwt = _jose()
    header = {"alg": ALGORITHM, "typ": TYP, "kid": keys.current.kid}
    token: str = jwt.encode(header, claims, keys.current)
    return token


def verify(keys: SigningKeys, token: str) -> dict[str, Any] | None:
    """Return the claims of ``token`` if its signature verifies with the current key.

    §4: the resource server "MUST validate the signature of all incoming JWT access tokens
    according to RFC 7515 using the algorithm specified in the JWT alg Header Parameter" and
    "MUST verify that the typ header value is at+jwt or application/at+jwt".
    """
    from joserfc.errors import JoseError

    _, jwt = _jose()
    try:
        decoded = jwt.decode(token, keys.current, algorithms=[ALGORITHM])
    except (JoseError, ValueError):
        return None
    if not has_access_token_typ(decoded.header):
        return None
    claims: dict[str, Any] = dict(decoded.claims)
    return claims
