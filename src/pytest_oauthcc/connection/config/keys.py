"""Private keys in connection configs (``token.client_auth: private_key_jwt``): which field holds
the key, how its text becomes a key, and a made-up key for mock mode.

A key reaches a check as a field value: a multi-line PEM from the environment, an env file
(double-quoted, across lines) or ``fields={...}``; a PEM whose line breaks were flattened to
``\\n`` by a CI secret store; or a private JWK as JSON text.

Layering: the bottom of ``connection/``: imports the standard library and this package's
placeholders only; ``cryptography`` (the ``jwt`` extra) lazily, to make up a mock key.
"""

from __future__ import annotations

import json
from typing import Any

from .model import ConnectionConfig
from .placeholders import find_placeholders

__all__ = ["PEM_MARK", "invent_private_key", "private_key_field", "private_key_value"]

# What every PEM private key contains ("-----BEGIN [RSA |EC |ENCRYPTED ]PRIVATE KEY-----").
PEM_MARK = "PRIVATE KEY-----"


def private_key_field(config: ConnectionConfig) -> str | None:
    """The key of the field ``token.private_key`` names, for ``private_key_jwt`` configs."""
    if config.token.auth_method != "private_key_jwt":
        return None
    refs = [p for p in find_placeholders(config.token.private_key) if p.namespace == "fields"]
    return refs[0].path[0] if refs else None


def private_key_value(text: str) -> str | dict[str, Any]:
    """The key as the reference client takes it: PEM text, or a JWK dict for JSON text.

    A PEM flattened to one line with literal ``\\n`` (how CI secret stores and ``.env``
    files often keep it) gets its line breaks back; base64 never contains a backslash.
    """
    stripped = text.strip()
    if stripped.startswith("{"):
        try:
            jwk = json.loads(stripped)
        except ValueError:
            return text  # the client refuses it, saying what a key must be
        return jwk if isinstance(jwk, dict) else text
    if PEM_MARK in stripped and "\n" not in stripped and "\\n" in stripped:
        return stripped.replace("\\n", "\n")
    return text


def invent_private_key(alg: str | None) -> str:
    """A fresh private key as PEM, of the type ``alg`` signs with (mock mode makes the client's
    key up, as it makes up secrets); EC P-256 when no algorithm is configured."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

    key: Any
    if alg is not None and alg[:2] in ("RS", "PS"):
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    elif alg == "EdDSA":
        key = ed25519.Ed25519PrivateKey.generate()
    else:
        curve = {"ES384": ec.SECP384R1(), "ES512": ec.SECP521R1()}.get(alg or "", ec.SECP256R1())
        key = ec.generate_private_key(curve)
    pem: bytes = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return pem.decode("ascii")
