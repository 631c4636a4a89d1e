"""JWT client assertions for the reference client: ``client_secret_jwt`` and ``private_key_jwt``.

Layering: pure (no httpx, no I/O); imports :mod:`mock_provider.protocol` (its RFC 7518
signature table) and ``joserfc`` / ``cryptography`` (the ``jwt`` extra) lazily. The key is
loaded and checked once, up front, by :func:`secret_signer` or :func:`private_key_signer`;
each token request then gets a fresh assertion from :meth:`AssertionSigner.assertion`
(RFC 7523 §2.2, §3; OpenID Connect Core §9): ``iss`` = ``sub`` = the client id, ``aud`` =
the token endpoint URL, a fresh ``jti``, ``iat`` and a short ``exp``. No message or repr
contains the key, the secret or an assertion.
"""

from __future__ import annotations

import itertools
import json
import os
import secrets
from collections.abc import Mapping
from typing import Any

from mock_provider.protocol import signature_algorithms
from pytest_oauthcc.errors import ClientConfigurationError

__all__ = [
    "ASSERTION_LIFETIME",
    "CLIENT_ASSERTION_TYPE",
    "CLIENT_SECRET_JWT",
    "JWT_METHODS",
    "PRIVATE_KEY_JWT",
    "AssertionSigner",
    "private_key_signer",
    "secret_signer",
]

# RFC 8414 §2 / OpenID Connect Core §9 names of the two assertion methods.
CLIENT_SECRET_JWT = "client_secret_jwt"
PRIVATE_KEY_JWT = "private_key_jwt"
JWT_METHODS = (CLIENT_SECRET_JWT, PRIVATE_KEY_JWT)

# RFC 7523 §2.2: the client_assertion_type of a JWT client assertion.
CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
# A fresh assertion per request needs only a short life; 60 s sits well inside the strictest
# provider's bound (Auth0: 300 s) and covers a slow round trip.
ASSERTION_LIFETIME = 60
# RFC 7518 §3.2: an HMAC key at least as long as the hash output.
_HMAC = {"HS256": 32, "HS384": 48, "HS512": 64}
# RFC 7518 §3.3-3.5, RFC 8037 §3.1: the algorithms of each key type (and curve).
_ASYMMETRIC = {
    "RSA": ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512"),
    "P-256": ("ES256",),
    "P-384": ("ES384",),
    "P-521": ("ES512",),
    "Ed25519": ("EdDSA",),
    "Ed448": ("EdDSA",),
}
# RFC 7518 §3.3: "A key of size 2048 bits or larger MUST be used with these algorithms."
_MIN_RSA_BITS = 2048
# One encoder for every assertion's claims (json.dumps builds a new one per call when given
# separators); RFC 7515 §7.1 leaves the whitespace free, none is the compact choice.
_CLAIMS_JSON = json.JSONEncoder(separators=(",", ":"))


class _JtiSource:
    """RFC 7519 §4.1.7: a jti is "assigned in a manner that ensures that there is a negligible
    probability that the same value will be accidentally assigned to a different data object".

    96 random bits per process (drawn again in a forked child, whose counter would otherwise
    repeat the parent's) then a 64-bit counter: 32 URL-safe characters, unique per process
    by the counter and across processes by the random part, for a fraction of what reading
    fresh entropy per assertion costs.
    """

    __slots__ = ("counter", "prefix")

    def __init__(self) -> None:
        self.reseed()

    def reseed(self) -> None:
        self.prefix = secrets.token_urlsafe(12)
        self.counter = itertools.count()

    def next(self) -> str:
        return f"{self.prefix}{next(self.counter):016x}"


_JTIS = _JtiSource()
if hasattr(os, "register_at_fork"):  # POSIX; elsewhere a process is never a forked copy
    os.register_at_fork(after_in_child=_JTIS.reseed)


class _SigningKey:
    """A key as joserfc's algorithm models use it, with its signing key resolved once (the
    HMAC model signs with it; a private key's resolved key goes to the RFC 7518 table).

    The models ask the key for ``get_op_key("sign")`` (and an EC key for its
    ``curve_key_size``) on every signature; the answer never changes for one key, and
    resolving it (RFC 7517 §4.3 ``key_ops`` and the key's privacy checked again) is a
    fifth of what joserfc adds to the signature itself. Anything else is the key's own.
    """

    __slots__ = ("_key", "_sign", "curve_key_size")

    def __init__(self, key: Any) -> None:
        self._key = key
        self._sign = key.get_op_key("sign")
        if hasattr(key, "curve_key_size"):
            self.curve_key_size = key.curve_key_size

    def get_op_key(self, operation: str) -> Any:
        return self._sign if operation == "sign" else self._key.get_op_key(operation)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):  # an unset slot (a copy being built): not the key's
            raise AttributeError(name)
        return getattr(self._key, name)

    def __repr__(self) -> str:
        return "_SigningKey()"


class AssertionSigner:
    """Signs client assertions with one loaded key; build it with :func:`secret_signer` or
    :func:`private_key_signer`.

    Attributes:
        method: ``"client_secret_jwt"`` or ``"private_key_jwt"`` (RFC 8414 names).
        alg: the JWS algorithm.
        kid: the ``kid`` header sent, if any.
    """

    __slots__ = (
        "_b64",
        "_claims_head",
        "_head",
        "_key",
        "_sign_key",
        "_signer",
        "_signing_key",
        "alg",
        "kid",
        "method",
    )

    def __init__(self, method: str, alg: str, key: Any, kid: str | None) -> None:
        from joserfc import jws
        from joserfc.util import json_b64encode, urlsafe_b64encode

        self.method = method
        self.alg = alg
        self.kid = kid
        self._key = key
        # The header is the same for every assertion: encoded once (a token request pays
        # only for its claims and its signature).
        header: dict[str, Any] = {"alg": alg, "typ": "JWT"}
        if kid is not None:
            header["kid"] = kid
        self._head = json_b64encode(header) + b"."
        self._signing_key = _SigningKey(key)
        # A private key signs through the project's one table of RFC 7518 signatures, on the
        # cryptography key joserfc resolved once (mock_provider.protocol.jws says why not
        # joserfc's model per signature); the HMAC of client_secret_jwt through the
        # algorithm's own model (joserfc's registry front door warns on EdDSA, RFC 9864
        # deprecates the name, which this client keeps for the verifiers that know only it).
        self._signer: Any
        self._sign_key: Any
        if method == PRIVATE_KEY_JWT:
            self._signer = signature_algorithms()[alg]
            self._sign_key = self._signing_key.get_op_key("sign")
        else:
            self._signer = jws.JWSRegistry.algorithms[alg]
            self._sign_key = self._signing_key
        self._b64 = urlsafe_b64encode
        # The JSON of the claims that stay the same per (client_id, audience): every
        # assertion of a client repeats them before its iat, exp and jti.
        self._claims_head: dict[tuple[str, str], str] = {}

    def assertion(
        self, client_id: str, audience: str, *, now: float, lifetime: int = ASSERTION_LIFETIME
    ) -> str:
        """A new signed assertion for one request; every call has a fresh ``jti``.

        Args:
            client_id: ``iss`` and ``sub`` (RFC 7523 §3 items 1-2, OpenID Connect Core §9).
            audience: ``aud``: the token endpoint URL (RFC 7523 §3 item 3).
            now: the client's clock, in seconds since the epoch (``iat``).
            lifetime: seconds from ``iat`` to ``exp``.
        """
        iat = int(now)
        head = self._claims_head.get((client_id, audience))
        if head is None:
            head = _CLAIMS_JSON.encode({"iss": client_id, "sub": client_id, "aud": audience})
            head = self._claims_head[(client_id, audience)] = head[:-1] + ',"iat":'
        # What the JSON encoder writes for the claims in this order: the integers as they
        # are, the jti (URL-safe base64 and hex digits) needs no escaping.
        payload = f'{head}{iat},"exp":{iat + lifetime},"jti":"{_JTIS.next()}"}}'.encode()
        signing_input = self._head + self._b64(payload)
        signature = self._signer.sign(signing_input, self._sign_key)
        return (signing_input + b"." + self._b64(signature)).decode("ascii")

    def public_jwk(self) -> dict[str, Any]:
        """The public key as a JWK (with ``kid``, ``alg`` and ``use: sig``): what the provider
        registers for ``private_key_jwt``.

        Raises:
            ClientConfigurationError: for a ``client_secret_jwt`` signer (its key is the secret).
        """
        if self.method != PRIVATE_KEY_JWT:
            raise ClientConfigurationError(
                "a client_secret_jwt key is the secret: it has no public half"
            )
        jwk: dict[str, Any] = dict(self._key.as_dict(private=False))
        jwk.update(alg=self.alg, use="sig")
        if self.kid is not None:
            jwk["kid"] = self.kid
        return jwk

    @property
    def thumbprint(self) -> str | None:
        """The RFC 7638 thumbprint of the public key; ``None`` for ``client_secret_jwt``."""
        return str(self._key.thumbprint()) if self.method == PRIVATE_KEY_JWT else None

    def __repr__(self) -> str:
        return f"AssertionSigner(method={self.method!r}, alg={self.alg!r}, kid={self.kid!r})"


def secret_signer(client_secret: str, *, alg: str = "HS256") -> AssertionSigner:
    """A ``client_secret_jwt`` signer: HMAC with the client secret (OpenID Connect Core §9).

    Raises:
        ClientConfigurationError: for an algorithm other than HS256/HS384/HS512, or a secret
            shorter than the hash output (RFC 7518 §3.2), e.g. 32 bytes for HS256.
    """
    from joserfc.jwk import OctKey

    if alg not in _HMAC:
        raise ClientConfigurationError(
            f"client_secret_jwt signs with HS256, HS384 or HS512, not alg={alg!r}"
        )
    secret = client_secret.encode()
    if len(secret) < _HMAC[alg]:
        raise ClientConfigurationError(
            f"client_secret_jwt with {alg} needs a client secret of at least {_HMAC[alg]} bytes "
            "(RFC 7518 section 3.2); the configured secret is shorter"
        )
    return AssertionSigner(CLIENT_SECRET_JWT, alg, OctKey.import_key(secret), kid=None)


def _too_short(bits: int) -> ClientConfigurationError:
    # Measured before import: joserfc warns (SecurityWarning) on a short key it imports.
    return ClientConfigurationError(
        f"an RSA key for private_key_jwt needs at least {_MIN_RSA_BITS} bits "
        f"(RFC 7518 section 3.3), not {bits}"
    )


def _from_jwk(private_key: Mapping[str, Any]) -> Any:
    from joserfc.jwk import import_key
    from joserfc.util import urlsafe_b64decode

    if private_key.get("kty") not in ("RSA", "EC", "OKP"):
        raise ClientConfigurationError(
            "private_key_jwt needs an RSA, EC or OKP private key (kty); for a shared secret "
            "use client_secret_jwt"
        )
    if "d" not in private_key:
        raise ClientConfigurationError(
            "private_key_jwt needs the private key (the JWK has no 'd' member); the "
            "provider is given the public key"
        )
    if private_key["kty"] == "RSA":
        modulus = str(private_key.get("n", ""))
        bits = int.from_bytes(urlsafe_b64decode(modulus.encode()), "big").bit_length()
        if bits < _MIN_RSA_BITS:
            raise _too_short(bits)
    return import_key(dict(private_key))


def _from_pem(private_key: str) -> Any:
    from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa
    from cryptography.hazmat.primitives.serialization import load_pem_private_key
    from joserfc.jwk import ECKey, OKPKey, RSAKey

    try:
        loaded = load_pem_private_key(private_key.encode(), password=None)
    except (ValueError, TypeError):
        raise ClientConfigurationError(
            "the private key PEM cannot be loaded (an encrypted or damaged key?); pass an "
            "unencrypted PKCS#8 or traditional PEM private key"
        ) from None
    if isinstance(loaded, rsa.RSAPrivateKey):
        if loaded.key_size < _MIN_RSA_BITS:
            raise _too_short(loaded.key_size)
        return RSAKey.import_key(loaded)
    if isinstance(loaded, ec.EllipticCurvePrivateKey):
        return ECKey.import_key(loaded)
    if isinstance(loaded, ed25519.Ed25519PrivateKey | ed448.Ed448PrivateKey):
        return OKPKey.import_key(loaded)
    raise ClientConfigurationError("private_key_jwt needs an RSA, EC or OKP private key")


def _import_private_key(private_key: str | Mapping[str, Any]) -> Any:
    from joserfc.errors import JoseError

    if not isinstance(private_key, Mapping | str) or (
        isinstance(private_key, str) and "PRIVATE KEY-----" not in private_key
    ):
        raise ClientConfigurationError(
            "private_key must be a PEM private key ('-----BEGIN ... PRIVATE KEY-----') or a "
            "private JWK dict"
        )
    try:
        return (
            _from_jwk(private_key) if isinstance(private_key, Mapping) else _from_pem(private_key)
        )
    except ClientConfigurationError:  # a ValueError too: it already says what is wrong
        raise
    except (JoseError, ValueError, TypeError, KeyError):
        raise ClientConfigurationError("private_key is not a valid RSA, EC or OKP key") from None


def private_key_signer(
    private_key: str | Mapping[str, Any], *, alg: str | None = None, kid: str | None = None
) -> AssertionSigner:
    """A ``private_key_jwt`` signer, with the key loaded and checked now.

    Args:
        private_key: PEM text of an unencrypted private key, or a private JWK dict.
        alg: the JWS algorithm; by default RS256 for RSA, ES256/ES384/ES512 for the
            P-256/P-384/P-521 curves, EdDSA for Ed25519/Ed448.
        kid: the ``kid`` header; by default the JWK's own ``kid``, if it has one.

    Raises:
        ClientConfigurationError: for a public, symmetric, encrypted or unreadable key, an
            RSA key under 2048 bits (RFC 7518 §3.3), or an ``alg`` the key cannot sign.
            The message never contains the key.
    """
    from joserfc.jwk import OctKey, RSAKey

    key = _import_private_key(private_key)
    if isinstance(key, OctKey) or not key.is_private:
        raise ClientConfigurationError("private_key_jwt needs an RSA, EC or OKP private key")
    family = "RSA" if isinstance(key, RSAKey) else key.curve_name
    if family not in _ASYMMETRIC:
        raise ClientConfigurationError(f"private_key_jwt cannot sign with a {family} key")
    chosen = alg if alg is not None else _ASYMMETRIC[family][0]
    if chosen not in _ASYMMETRIC[family]:
        allowed = ", ".join(_ASYMMETRIC[family])
        raise ClientConfigurationError(f"a {family} key signs with {allowed}, not alg={chosen!r}")
    if kid is None and isinstance(private_key, Mapping) and isinstance(private_key.get("kid"), str):
        kid = private_key["kid"]
    return AssertionSigner(PRIVATE_KEY_JWT, chosen, key, kid=kid)
