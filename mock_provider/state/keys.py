"""A provider's JWT signing keys (RFC 9068 access tokens): minting and verifying.

Lives behind the ``jwt`` extra (joserfc). The RSA key is generated once per process and
reused by every provider (generation costs ~0.1 s); :meth:`SigningKeys.rotate` makes a new
one for a provider that simulates key rotation. The pure rules (header, claims) are in
:mod:`mock_provider.protocol.rfc9068`.

Layering: imports ``protocol`` only (joserfc lazily).
"""

from __future__ import annotations

import functools
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
        self._signer: tuple[RSAKey, bytes] | None = None

    def rotate(self) -> None:
        """Replace the signing key; tokens signed with the old one no longer verify."""
        self.current = _new_key()

    def signer(self) -> tuple[RSAKey, bytes]:
        """The current key and its encoded JWS protected header, encoded once per key.

        ``jwt.encode`` re-validates and re-serializes the same header and resolves the
        algorithm for every token; a key's header never changes, so each token pays only
        for its claims and the RSA signature (bench part 1).
        """
        signer = self._signer
        if signer is None or signer[0] is not self.current:
            signer = self._signer = (self.current, _encoded_header(self.current))
        return signer

    def jwks(self) -> dict[str, Any]:
        """The public JSON Web Key Set (RFC 7517 §5)."""
        return {"keys": [self.current.as_dict(private=False)]}


def _encoded_header(key: RSAKey) -> bytes:
    from joserfc.util import json_b64encode

    # RFC 9068 §2.1: typ at+jwt; RFC 7515 §4.1.4: kid names the key in the JWKS.
    encoded: bytes = json_b64encode({"alg": ALGORITHM, "typ": TYP, "kid": key.kid})
    return encoded


@functools.cache
def _rs256() -> Any:
    from joserfc.jws import JWSRegistry

    return JWSRegistry.algorithms[ALGORITHM]


def mint(keys: SigningKeys, claims: dict[str, Any]) -> str:
    """Sign ``claims`` as an RFC 9068 access token (§2.1 header, §2.2 claims): the JWS
    compact serialization of RFC 7515 §7.1, signed with joserfc's RS256 model."""
    _jose()
    from joserfc.util import json_b64encode, urlsafe_b64encode

    key, header = keys.signer()
    signing_input = header + b"." + json_b64encode(claims)
    signature = _rs256().sign(signing_input, key)
    return (signing_input + b"." + urlsafe_b64encode(signature)).decode("ascii")


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
