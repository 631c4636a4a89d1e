"""A provider's JWT signing keys (RFC 9068 access tokens): minting and verifying.

Lives behind the ``jwt`` extra (joserfc). One key per algorithm is generated once per
process and reused by every provider (an RSA key costs ~0.1 s); :meth:`SigningKeys.rotate`
makes a new one, of the same algorithm, for a provider that simulates key rotation. The pure
rules (algorithms, header, claims) are in :mod:`mock_provider.protocol.rfc9068`.

Each key is imported once, as a joserfc key object, with what every token repeats prepared
with it (:class:`_Signer`): the encoded header and joserfc's algorithm. A token then costs its
claims' JSON, two base64url encodings and the signature, as the reference client's
assertions do (``pytest_oauthcc.client.assertion``).

Layering: imports ``protocol`` only (joserfc lazily).
"""

from __future__ import annotations

import json
import threading
from typing import TYPE_CHECKING, Any

from mock_provider.protocol.errors import MockProviderError
from mock_provider.protocol.jws import signature_algorithms
from mock_provider.protocol.rfc9068 import (
    ALGORITHM,
    SIGNING_KEYS,
    TYP,
    access_token_alg_problem,
    has_access_token_typ,
)

if TYPE_CHECKING:
    from joserfc.jwk import ECKey, OKPKey, RSAKey

    SigningKey = RSAKey | ECKey | OKPKey

__all__ = ["JWTUnavailable", "SigningKeys", "mint", "process_key", "verify"]

_process_keys: dict[str, SigningKey] = {}
_process_keys_lock = threading.Lock()
# RFC 7515 §7.1 leaves the JSON's whitespace free; none is the compact choice joserfc makes.
_CLAIMS_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


class JWTUnavailable(MockProviderError):
    """JWT access tokens were asked for but the ``jwt`` extra is not installed."""


def _jose() -> Any:
    try:
        import joserfc  # noqa: F401
    except ImportError:  # pragma: no cover - exercised only without the extra
        raise JWTUnavailable(
            "token_format='jwt' needs the 'jwt' extra: pip install 'pytest-oauthcc[jwt]'"
        ) from None
    from joserfc import jwk

    return jwk


def _new_key(alg: str) -> SigningKey:
    problem = access_token_alg_problem(alg)
    if problem is not None:
        raise ValueError(problem)
    jwk = _jose()
    kty, size = SIGNING_KEYS[alg]
    parameters = {"use": "sig", "alg": alg}
    key: SigningKey
    if kty == "RSA":
        key = jwk.RSAKey.generate_key(size, parameters=parameters, auto_kid=True)
    elif kty == "EC":
        key = jwk.ECKey.generate_key(size, parameters=parameters, auto_kid=True)
    else:
        key = jwk.OKPKey.generate_key(size, parameters=parameters, auto_kid=True)
    return key


def process_key(alg: str = ALGORITHM) -> SigningKey:
    """The ``alg`` key shared by every provider of this process (generated on first use).

    Raises:
        ValueError: for an algorithm outside
            :data:`~mock_provider.protocol.rfc9068.ACCESS_TOKEN_ALGORITHMS`.
        JWTUnavailable: without the ``jwt`` extra.
    """
    with _process_keys_lock:
        key = _process_keys.get(alg)
        if key is None:
            key = _process_keys[alg] = _new_key(alg)
        return key


class _Signer:
    """One key with what each of its tokens repeats: the §2.1 header, encoded once, the
    RFC 7518 signature of its alg (:mod:`mock_provider.protocol.jws`, which says why not
    joserfc's model per signature) and the key's ``cryptography`` halves, resolved once by
    joserfc. ``model`` is joserfc's algorithm (the registry's table: its front door warns on
    EdDSA, whose name RFC 9864 deprecates, and the name is what RFC 9068 verifiers know)."""

    __slots__ = ("b64", "direct", "head", "key", "model", "private", "public")

    def __init__(self, alg: str, key: SigningKey) -> None:
        from joserfc import jws
        from joserfc.util import json_b64encode, urlsafe_b64encode

        self.b64 = urlsafe_b64encode
        self.key = key
        self.model = jws.JWSRegistry.algorithms[alg]
        self.model.check_key(key)  # RFC 7517 §4.2-4.4: its use and alg allow signing
        self.direct = signature_algorithms()[alg]
        self.private, self.public = key.get_op_key("sign"), key.get_op_key("verify")
        # §2.1: "typ" is "at+jwt"; the kid names the JWKS key that verifies the token.
        self.head = json_b64encode({"alg": alg, "typ": TYP, "kid": key.kid}) + b"."

    def sign(self, claims: dict[str, Any]) -> str:
        # RFC 7515 §7.1: BASE64URL(header) . BASE64URL(payload) . BASE64URL(signature).
        signing_input = self.head + self.b64(_CLAIMS_JSON.encode(claims).encode())
        signature = self.b64(self.direct.sign(signing_input, self.private))
        return (signing_input + b"." + signature).decode("ascii")


class SigningKeys:
    """A provider's signing key; old keys are dropped on rotation, so their tokens fail.

    Args:
        alg: the JWS algorithm of its access tokens (RFC 9068 §2.1; RS256 by default).

    Raises:
        ValueError: for an algorithm outside
            :data:`~mock_provider.protocol.rfc9068.ACCESS_TOKEN_ALGORITHMS`.
    """

    def __init__(self, alg: str = ALGORITHM) -> None:
        self.alg = alg
        self._signer = _Signer(alg, process_key(alg))

    @property
    def current(self) -> SigningKey:
        """The key that signs new tokens (and the only one that verifies)."""
        return self._signer.key

    def rotate(self) -> None:
        """Replace the signing key with a new one of the same algorithm; tokens signed with
        the old one no longer verify."""
        self._signer = _Signer(self.alg, _new_key(self.alg))

    def jwks(self) -> dict[str, Any]:
        """The public JSON Web Key Set (RFC 7517 §5), each key with its ``alg`` and ``kid``."""
        return {"keys": [self.current.as_dict(private=False)]}

    def sign(self, claims: dict[str, Any]) -> str:
        """Sign ``claims`` as an RFC 9068 access token (§2.1 header, §2.2 claims)."""
        return self._signer.sign(claims)

    def verify(self, token: str) -> dict[str, Any] | None:
        """Return the claims of ``token`` if its signature verifies with the current key.

        §4: the resource server "MUST validate the signature of all incoming JWT access
        tokens according to RFC 7515 using the algorithm specified in the JWT alg Header
        Parameter" and "MUST verify that the typ header value is at+jwt or
        application/at+jwt".
        """
        from joserfc import jws
        from joserfc.errors import JoseError
        from joserfc.util import urlsafe_b64decode

        signer = self._signer
        try:
            obj = jws.extract_compact(token.encode("ascii"))
            header = obj.protected
            signature = urlsafe_b64decode(obj.segments["signature"])
            claims = json.loads(obj.payload)
        except (JoseError, ValueError, UnicodeError):
            return None
        # §4: the alg header names the algorithm; only the one this provider signs with is
        # accepted (never "none", never another key's algorithm).
        if header.get("alg") != self.alg or not has_access_token_typ(header):
            return None
        signing_input = obj.segments["header"] + b"." + obj.segments["payload"]
        if not signer.direct.verify(signing_input, signature, signer.public):
            return None
        return claims if isinstance(claims, dict) else None

    def __repr__(self) -> str:
        return f"SigningKeys(alg={self.alg!r}, kid={self.current.kid!r})"


def mint(keys: SigningKeys, claims: dict[str, Any]) -> str:
    """Sign ``claims`` as an RFC 9068 access token (:meth:`SigningKeys.sign`)."""
    return keys.sign(claims)


def verify(keys: SigningKeys, token: str) -> dict[str, Any] | None:
    """The claims of ``token`` if it verifies with the current key (:meth:`SigningKeys.verify`)."""
    return keys.verify(token)
