"""JWS (RFC 7515): the compact serialization decoded, and the asymmetric signatures of
RFC 7518 §3.3-3.5 and RFC 8037 §3.1 on ``cryptography`` keys.

Layering: pure; imports the standard library, ``joserfc`` and ``cryptography`` (the ``jwt``
extra) only, lazily, so that importing the protocol package stays cheap.

:func:`decode_compact` splits and decodes a JWS once, strictly (:func:`b64decode`: joserfc's
base64url rules, in less work); a header segment that was seen before (every assertion of a
client repeats its own) is not decoded again: the same octets are the same header.

:func:`signature_algorithms` is one table keyed by ``alg``, for every signer and verifier of
the project: the reference client's assertions, the provider's assertion checks and its JWT
access tokens. Each entry signs and verifies as joserfc's algorithm model of the same name
(``sign(message, key)``, ``verify(message, signature, key)``), interchangeably: a signature
by either verifies with the other (a test holds them to it). It works on the
``cryptography`` key itself: the caller imports the key with joserfc and checks it once
(RFC 7517 §4.2-4.4 ``use``, ``key_ops`` and ``alg``: ``model.check_key`` and
``get_op_key``), then keeps the key ``get_op_key`` resolved, of the type the algorithm needs
(the key choice and the signers' key checks see to it).

Why joserfc's model is not called per signature: it redoes, at every call, what never
changes for one key and one algorithm (``get_op_key``'s key_ops check, the EC key's
``curve_key_size``, a new ``ECDSA(hash())`` or hash object, and the r||s <-> DER conversion
through hexadecimal text): about 4 µs per ES256 signature and 2.5 µs per verification, a
tenth of what a ``private_key_jwt`` assertion costs beyond ``client_secret_basic``.
"""

from __future__ import annotations

import binascii
import functools
import json
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["SignatureAlgorithm", "b64decode", "decode_compact", "signature_algorithms"]

# joserfc's JWS bounds, raised: an x5c header carries a certificate chain (MSAL sends one),
# 16 KiB, not 512 bytes; RFC 7518 §3.3 signatures of 8192-bit RSA keys: 1366 in base64url.
_MAX_HEADER, _MAX_PAYLOAD, _MAX_SIGNATURE = 16384, 16384, 1400
_DECODER = json.JSONDecoder()
# The decoder's C scanner (json.scanner.make_scanner), which typeshed does not declare.
_scan: Callable[[str, int], tuple[Any, int]] = _DECODER.scan_once  # type: ignore[attr-defined]
_decode = _DECODER.decode


def _decode_json(text: str) -> Any:
    """``json.loads(text)`` for a str, exactly: the C scanner alone when the text is one
    JSON value with nothing around it (what a JOSE encoder writes), else the full decoder
    (whitespace around the value is JSON too, RFC 8259 §2; anything else is its error)."""
    try:
        value, end = _scan(text, 0)
    except StopIteration:  # leading whitespace, or no JSON value: the decoder says which
        return _decode(text)
    return value if end == len(text) else _decode(text)


# Decoded headers by their segment's octets, bounded: a client's assertions repeat one
# header; an x5c chain (up to 16 KiB) is decoded each time rather than kept.
_HEADERS: dict[bytes, tuple[dict[str, Any], bool]] = {}
_MAX_HEADERS, _MAX_CACHED_HEADER = 256, 2048


# RFC 7515 §2 base64url: RFC 4648 §5's alphabet, "with all trailing '=' characters omitted".
_URLSAFE = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_TO_STANDARD = bytes.maketrans(b"-_", b"+/")
# The last digit of 2 or 3 leftover digits whose unused bits are zero (RFC 4648 §3.5
# canonical encoding), by the padding a decoder would add: 1 '=' or 2.
_CANONICAL_LAST = (b"AEIMQUYcgkosw048", b"AQgw")


def b64decode(segment: bytes) -> bytes:
    """Decode base64url (RFC 7515 §2) as strictly as joserfc's ``urlsafe_b64decode``: only
    the URL-safe alphabet, no padding, a canonical last digit; a test holds the two to the
    same answer for any octets. One pass of C per check instead of joserfc's three scans
    and ``base64.b64decode``'s regular expression.

    Raises:
        binascii.Error: (a ValueError) for anything but canonical unpadded base64url.
    """
    # RFC 7515 §2: "with all trailing '=' characters omitted ... and without the inclusion
    # of any line breaks, whitespace, or other additional characters".
    if segment.translate(None, _URLSAFE):
        raise binascii.Error("not base64url")
    pad = -len(segment) % 4
    if not pad:
        return binascii.a2b_base64(segment.translate(_TO_STANDARD))
    # One leftover digit encodes no whole octet; RFC 4648 §3.5: the pad bits must be zero.
    if pad == 3 or segment[-1] not in _CANONICAL_LAST[pad - 1]:
        raise binascii.Error("not canonical base64url")
    return binascii.a2b_base64(segment.translate(_TO_STANDARD) + b"=" * pad)


def _header(head: bytes) -> tuple[dict[str, Any], bool]:
    known = _HEADERS.get(head)
    if known is not None:
        return known
    # RFC 7515 §5.2 steps 2-3, RFC 7519 §7.2 step 10: the decoded octets must be "a UTF-8-
    # encoded representation of a completely valid JSON object" (not UTF-16 nor UTF-32).
    header = _decode_json(b64decode(head).decode("utf-8"))
    # RFC 7515 §4: the JOSE Header is a JSON object; §4.1.1: "alg" MUST be present.
    if not isinstance(header, dict) or "alg" not in header:
        raise ValueError("not a JOSE header")
    # RFC 7797 §3: "b64": false leaves the payload unencoded (the JSON itself); §6: only
    # with "b64" in crit, which a verifier that understands no extension refuses (RFC 7515
    # §4.1.11).
    encoded = header.get("b64", True) is True
    if not encoded and (not isinstance(crit := header.get("crit"), list) or "b64" not in crit):
        raise ValueError("b64 without crit")
    if len(head) <= _MAX_CACHED_HEADER:
        if len(_HEADERS) >= _MAX_HEADERS:
            _HEADERS.clear()
        _HEADERS[head] = (header, encoded)
    return header, encoded


def decode_compact(jws: str) -> tuple[bytes, bytes, dict[str, Any], Any]:
    """Decode a JWS in compact serialization (RFC 7515 §7.1), each segment once, strictly.

    Returns:
        The JWS Signing Input (the header and payload segments, dot-joined: what the
        signature covers, §5.2 step 8), the signature segment (still base64url), the JOSE
        Header (a dict with ``alg``; shared by every JWS with the same header segment: read
        it, never change it) and the payload decoded as JSON (any JSON value).

    Raises:
        ValueError: for a JWS that is not three segments of bounded size, strict base64url
            (no padding, canonical last digit) of UTF-8 JSON; nothing of it is echoed.
    """
    # RFC 7515 §7.1: BASE64URL(header) "." BASE64URL(payload) "." BASE64URL(signature).
    value = jws.encode("ascii")
    signing_input, _, signature = value.rpartition(b".")
    head, _, body = signing_input.partition(b".")
    if len(head) > _MAX_HEADER or len(body) > _MAX_PAYLOAD or len(signature) > _MAX_SIGNATURE:
        raise ValueError("a segment exceeds its bound")
    if len(value) > _MAX_HEADER + _MAX_PAYLOAD + _MAX_SIGNATURE:  # and so does the whole
        raise ValueError("the JWS exceeds its bound")
    if value.count(b".") != 2:
        raise ValueError("not three segments")
    header, encoded = _header(head)
    claims = _decode_json((b64decode(body) if encoded else body).decode("utf-8"))
    return signing_input, signature, header, claims


class SignatureAlgorithm:
    """One ``alg``: ``sign(message, private_key)`` and ``verify(message, signature,
    public_key)`` on ``cryptography`` keys of the type the algorithm needs; built by
    :func:`signature_algorithms` only."""

    __slots__ = ("_invalid", "_options", "name")

    def __init__(self, name: str, options: tuple[Any, ...], invalid: type[Exception]) -> None:
        self.name = name
        # The padding and hash objects (RSA), the ECDSA(hash) object (EC) or nothing
        # (EdDSA: RFC 8037 §3.1, the curve fixes the hash): made once per algorithm.
        self._options = options
        self._invalid = invalid  # cryptography's InvalidSignature

    def sign(self, message: bytes, key: Any) -> bytes:
        """The JWS Signature octets of ``message`` (the JWS Signing Input)."""
        signature: bytes = key.sign(message, *self._options)
        return signature

    def verify(self, message: bytes, signature: bytes, key: Any) -> bool:
        """Whether ``signature`` is a valid JWS Signature of ``message`` with ``key``."""
        try:
            key.verify(signature, message, *self._options)
        except self._invalid:
            return False
        return True

    def __repr__(self) -> str:
        return f"SignatureAlgorithm({self.name!r})"


class _ECDSA(SignatureAlgorithm):
    """RFC 7518 §3.4: the JWS Signature of ECDSA is R || S, not the DER that ECDSA yields."""

    __slots__ = ("_decode", "_encode", "_size")

    def __init__(self, name: str, options: tuple[Any, ...], invalid: type[Exception], size: int):
        from cryptography.hazmat.primitives.asymmetric.utils import (
            decode_dss_signature,
            encode_dss_signature,
        )

        super().__init__(name, options, invalid)
        # The octets of each of R and S: the size of the curve's order.
        self._size = size
        self._decode, self._encode = decode_dss_signature, encode_dss_signature

    def sign(self, message: bytes, key: Any) -> bytes:
        # §3.4: "the JWS Signature value ... is the concatenation of the two octet
        # sequences" R and S, "in that order", each of the fixed size.
        r, s = self._decode(key.sign(message, *self._options))
        return r.to_bytes(self._size, "big") + s.to_bytes(self._size, "big")

    def verify(self, message: bytes, signature: bytes, key: Any) -> bool:
        size = self._size
        # §3.4: "Validate that the JWS Signature ... is 64 octets long" (for ES256; twice
        # the size of the curve's order for each curve).
        if len(signature) != 2 * size:
            return False
        r, s = int.from_bytes(signature[:size], "big"), int.from_bytes(signature[size:], "big")
        try:
            key.verify(self._encode(r, s), message, *self._options)
        except self._invalid:
            return False
        return True


@functools.cache
def signature_algorithms() -> Mapping[str, SignatureAlgorithm]:
    """The asymmetric JWS algorithms by ``alg``: RS*, PS*, ES* and EdDSA (built at first use)."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, padding

    table: dict[str, SignatureAlgorithm] = {}
    for bits, hash_type, curve_bytes in (
        (256, hashes.SHA256, 32),
        (384, hashes.SHA384, 48),
        (512, hashes.SHA512, 66),  # P-521: ceil(521 / 8) octets
    ):
        # RFC 7518 §3.3: RSASSA-PKCS1-v1_5 with SHA-2.
        rsa = (padding.PKCS1v15(), hash_type())
        table[f"RS{bits}"] = SignatureAlgorithm(f"RS{bits}", rsa, InvalidSignature)
        # RFC 7518 §3.5: RSASSA-PSS, MGF1 with the same hash, "The size of the salt value is
        # the same size as the hash function output".
        pss = padding.PSS(mgf=padding.MGF1(hash_type()), salt_length=hash_type.digest_size)
        table[f"PS{bits}"] = SignatureAlgorithm(f"PS{bits}", (pss, hash_type()), InvalidSignature)
        # RFC 7518 §3.4: ECDSA with P-256/SHA-256, P-384/SHA-384, P-521/SHA-512.
        ecdsa = (ec.ECDSA(hash_type()),)
        table[f"ES{bits}"] = _ECDSA(f"ES{bits}", ecdsa, InvalidSignature, curve_bytes)
    # RFC 8037 §3.1: Ed25519 and Ed448 sign the message itself.
    table["EdDSA"] = SignatureAlgorithm("EdDSA", (), InvalidSignature)
    return table
