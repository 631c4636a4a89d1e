"""Building blocks for the client-assertion tests: keys, certificates, raw JWS and a verifier
call with the defaults of a provider at ``ISSUER`` whose clock reads ``NOW``.

Assertions are signed here with joserfc's algorithm models directly, so a test can craft what
no honest signer would produce (``alg: none``, a ``crit`` header, a float ``exp``).
"""

from __future__ import annotations

import base64
import datetime
import functools
import json
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID
from joserfc import jws
from joserfc.jwk import ECKey, OctKey, OKPKey, RSAKey
from joserfc.util import json_b64encode, urlsafe_b64encode

from mock_provider.protocol.jwks import PublicKey, load_public_keys
from mock_provider.protocol.rfc7523 import (
    JWT_BEARER,
    VerifiedAssertion,
    verify_client_assertion,
)
from mock_provider.state.jti import JtiStore

NOW = 1_700_000_000.0
ISSUER = "https://auth.example.test"
TOKEN_URL = ISSUER + "/oauth/token"
CLIENT_ID = "assertion-client"
SECRET = "client-secret-for-hmac-0123456789-abcdefghijklmnopqrstuvwxyz-0123"  # 64 bytes
BOTH_METHODS = ("client_secret_jwt", "private_key_jwt")
AsymmetricKey = RSAKey | ECKey | OKPKey


def rsa_key(name: str = "rsa") -> RSAKey:
    """A 2048-bit RSA private key, one per name for the whole session (generation is slow)."""
    return _generated("RSA", name)


def ec_key(curve: str = "P-256") -> ECKey:
    return _generated("EC", curve)


def okp_key(curve: str = "Ed25519") -> OKPKey:
    return _generated("OKP", curve)


@functools.cache
def _generated(kty: str, name: str) -> Any:
    if kty == "RSA":
        return RSAKey.generate_key(2048)
    return (ECKey if kty == "EC" else OKPKey).generate_key(name)


def certificate(name: str = "rsa") -> bytes:
    return _certificate(name)


@functools.cache
def _certificate(name: str) -> bytes:
    """A self-signed DER certificate for ``rsa_key(name)``."""
    key = rsa_key(name)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"client {name}")])
    start = datetime.datetime(2023, 1, 1, tzinfo=datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + datetime.timedelta(days=3650))
        .sign(key.private_key, hashes.SHA256())  # type: ignore[arg-type]
    )
    return cert.public_bytes(Encoding.DER)


def b64(der: bytes) -> str:
    """Standard base64, as in an ``x5c`` entry (RFC 7517 §4.7)."""
    return base64.b64encode(der).decode()


def public_jwk(key: AsymmetricKey, **members: Any) -> dict[str, Any]:
    jwk: dict[str, Any] = dict(key.as_dict(private=False))
    jwk.update(members)
    return jwk


def claims(**overrides: Any) -> dict[str, Any]:
    """Valid claims for ``CLIENT_ID`` at ``NOW``; an override of ``None`` removes the claim."""
    base: dict[str, Any] = {
        "iss": CLIENT_ID,
        "sub": CLIENT_ID,
        "aud": TOKEN_URL,
        "iat": int(NOW),
        "exp": int(NOW) + 60,
        "jti": "jti-0001",
    }
    base.update(overrides)
    return {name: value for name, value in base.items() if value is not None}


def sign(
    payload: dict[str, Any] | bytes,
    key: Any = None,
    alg: str = "RS256",
    **header: Any,
) -> str:
    """A JWS compact serialization of ``payload``; ``key`` defaults by ``alg``."""
    if key is None:
        key = OctKey.import_key(SECRET.encode()) if alg.startswith("HS") else rsa_key()
    head: dict[str, Any] = {"alg": alg, "typ": "JWT", **header}
    head = {name: value for name, value in head.items() if value is not None}
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    signing_input = json_b64encode(head) + b"." + urlsafe_b64encode(body)
    signature = b"" if alg == "none" else jws.JWSRegistry.algorithms[alg].sign(signing_input, key)
    return (signing_input + b"." + urlsafe_b64encode(signature)).decode()


def keys_of(*jwks: dict[str, Any]) -> tuple[PublicKey, ...]:
    return load_public_keys({"keys": list(jwks)})


def verify(assertion: Any, **overrides: Any) -> VerifiedAssertion:
    """Call the verifier as the token endpoint would, with overridable defaults."""
    arguments: dict[str, Any] = {
        "client_id": None,
        "secret": SECRET,
        "keys": keys_of(public_jwk(rsa_key())),
        "auth_methods": BOTH_METHODS,
        "audiences": (TOKEN_URL, ISSUER),
        "now": NOW,
        "replay": JtiStore(lambda: NOW),
    }
    arguments.update(overrides)
    assertion_type = arguments.pop("assertion_type", JWT_BEARER)
    return verify_client_assertion(assertion, assertion_type, **arguments)
