"""RFC 7518 §3.3-3.5 and RFC 8037 §3.1: the asymmetric JWS signatures, on ``cryptography`` keys.

Layering: pure; imports the standard library and ``cryptography`` (the ``jwt`` extra) only,
lazily, so that importing the protocol package stays cheap.

One table keyed by ``alg``, used by every signer and verifier of the project: the reference
client's assertions, the provider's assertion checks and its JWT access tokens. Each entry
signs and verifies as joserfc's algorithm model of the same name does (``sign(message,
key)``, ``verify(message, signature, key)``), byte for byte (a test holds them to it), but
on the ``cryptography`` key itself: the caller imports the key with joserfc and checks it
once (RFC 7517 §4.2-4.4 ``use``, ``key_ops`` and ``alg``: ``model.check_key`` and
``get_op_key``), then keeps the key that ``get_op_key`` resolved.

Why joserfc's model is not called per signature: it redoes, at every call, what never
changes for one key and one algorithm (``get_op_key``'s key_ops check, the EC key's
``curve_key_size``, a new ``ECDSA(hash())`` or hash object, and the r||s <-> DER conversion
through hexadecimal text): about 4 µs per ES256 signature and 2.5 µs per verification, a
tenth of what a ``private_key_jwt`` assertion costs beyond ``client_secret_basic``.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

__all__ = ["SignatureAlgorithm", "signature_algorithms"]


class SignatureAlgorithm:
    """One ``alg``: ``sign(message, private_key)`` and ``verify(message, signature,
    public_key)`` on ``cryptography`` keys of the type the algorithm needs."""

    __slots__ = ("_options", "_size", "name")

    def __init__(self, name: str, options: tuple[Any, ...], size: int = 0) -> None:
        self.name = name
        # The padding and hash objects (RSA), the ECDSA(hash) object (EC) or nothing
        # (EdDSA: RFC 8037 §3.1, the curve fixes the hash): made once per algorithm.
        self._options = options
        # RFC 7518 §3.4: the octets of each of R and S (the curve's order size); 0 for the
        # algorithms whose signature is cryptography's own output.
        self._size = size

    def sign(self, message: bytes, key: Any) -> bytes:
        """The JWS Signature octets of ``message`` (the JWS Signing Input)."""
        signature: bytes = key.sign(message, *self._options)
        if not self._size:
            return signature
        # RFC 7518 §3.4: "the JWS Signature value ... is the concatenation of the two
        # octet sequences" R and S, each of the fixed size, not the DER that ECDSA yields.
        r, s = _dss().decode(signature)
        return r.to_bytes(self._size, "big") + s.to_bytes(self._size, "big")

    def verify(self, message: bytes, signature: bytes, key: Any) -> bool:
        """Whether ``signature`` is a valid JWS Signature of ``message`` with ``key``."""
        dss = _dss()
        size = self._size
        if size:
            # RFC 7518 §3.4: "Validate that the JWS Signature ... is 64 octets long" (for
            # ES256; twice the size of the curve's order for each curve).
            if len(signature) != 2 * size:
                return False
            r, s = int.from_bytes(signature[:size], "big"), int.from_bytes(signature[size:], "big")
            signature = dss.encode(r, s)
        try:
            key.verify(signature, message, *self._options)
        except dss.invalid:
            return False
        return True

    def __repr__(self) -> str:
        return f"SignatureAlgorithm({self.name!r})"


class _Dss:
    __slots__ = ("decode", "encode", "invalid")

    def __init__(self) -> None:
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives.asymmetric.utils import (
            decode_dss_signature,
            encode_dss_signature,
        )

        self.decode = decode_dss_signature
        self.encode = encode_dss_signature
        self.invalid = InvalidSignature


@functools.cache
def _dss() -> _Dss:
    return _Dss()


@functools.cache
def signature_algorithms() -> Mapping[str, SignatureAlgorithm]:
    """The asymmetric JWS algorithms by ``alg``: RS*, PS*, ES* and EdDSA (built at first use)."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, padding

    table: dict[str, SignatureAlgorithm] = {}
    for bits, hash_type, curve_bytes in (
        (256, hashes.SHA256, 32),
        (384, hashes.SHA384, 48),
        (512, hashes.SHA512, 66),  # P-521: ceil(521 / 8) octets
    ):
        # RFC 7518 §3.3: RSASSA-PKCS1-v1_5 with SHA-2.
        table[f"RS{bits}"] = SignatureAlgorithm(f"RS{bits}", (padding.PKCS1v15(), hash_type()))
        # RFC 7518 §3.5: RSASSA-PSS, MGF1 with the same hash, "The size of the salt value is
        # the same size as the hash function output".
        pss = padding.PSS(mgf=padding.MGF1(hash_type()), salt_length=hash_type.digest_size)
        table[f"PS{bits}"] = SignatureAlgorithm(f"PS{bits}", (pss, hash_type()))
        # RFC 7518 §3.4: ECDSA with P-256/SHA-256, P-384/SHA-384, P-521/SHA-512.
        ecdsa = (ec.ECDSA(hash_type()),)
        table[f"ES{bits}"] = SignatureAlgorithm(f"ES{bits}", ecdsa, curve_bytes)
    # RFC 8037 §3.1: Ed25519 and Ed448 sign the message itself.
    table["EdDSA"] = SignatureAlgorithm("EdDSA", ())
    return table
