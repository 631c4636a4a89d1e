"""RFC 7518 §3.3-3.5 and RFC 8037 §3.1: the project's signature table
(:mod:`mock_provider.protocol.jws`) signs and verifies exactly as joserfc's algorithm models.

The table works on the ``cryptography`` keys joserfc resolved once; these tests hold it to
joserfc: a signature made by either verifies with the other, both ways, for every
algorithm; a tampered signature or message is refused by both.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from joserfc import jws
from joserfc.jwk import ECKey, OKPKey

from mock_provider.protocol import SignatureAlgorithm, signature_algorithms
from mock_provider.protocol.jwks import ASYMMETRIC_ALGORITHMS
from tests.assertions import ec_key, okp_key, rsa_key

MESSAGE = b"eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJjbGllbnQifQ"
# Every asymmetric alg of a private_key_jwt, with a key of its type (both EdDSA curves).
CASES = [
    *[(f"{family}{bits}", "rsa") for family in ("RS", "PS") for bits in (256, 384, 512)],
    ("ES256", "P-256"),
    ("ES384", "P-384"),
    ("ES512", "P-521"),
    ("EdDSA", "Ed25519"),
    ("EdDSA", "Ed448"),
]


def _key(name: str) -> Any:
    if name == "rsa":
        return rsa_key()
    return okp_key(name) if name.startswith("Ed") else ec_key(name)


def _model(alg: str) -> Any:
    return jws.JWSRegistry.algorithms[alg]


def _flip(data: bytes, index: int) -> bytes:
    index %= len(data)
    return data[:index] + bytes([data[index] ^ 0x01]) + data[index + 1 :]


def _both_ways(alg: str, key: Any, message: bytes) -> tuple[bytes, bytes]:
    """A signature of ``message`` by the table and one by joserfc's model, each checked by
    the other."""
    direct, model = signature_algorithms()[alg], _model(alg)
    private, public = key.get_op_key("sign"), key.get_op_key("verify")
    ours = direct.sign(message, private)
    assert model.verify(message, ours, key)
    theirs = model.sign(message, key)
    assert direct.verify(message, theirs, public)
    assert direct.verify(message, ours, public)
    return ours, theirs


def test_rfc7518_3_the_table_holds_every_asymmetric_algorithm_of_private_key_jwt() -> None:
    table = signature_algorithms()
    assert set(table) == set(ASYMMETRIC_ALGORITHMS)
    assert all(isinstance(table[alg], SignatureAlgorithm) for alg in table)
    assert table is signature_algorithms()  # built once
    assert repr(table["ES256"]) == "SignatureAlgorithm('ES256')"


@pytest.mark.parametrize(("alg", "key_name"), CASES)
def test_rfc7518_3_a_signature_by_either_verifies_with_the_other(alg: str, key_name: str) -> None:
    _both_ways(alg, _key(key_name), MESSAGE)


@pytest.mark.parametrize(("alg", "key_name"), CASES)
def test_rfc7518_3_a_tampered_signature_or_message_is_refused_by_both(
    alg: str, key_name: str
) -> None:
    key = _key(key_name)
    direct, model = signature_algorithms()[alg], _model(alg)
    public = key.get_op_key("verify")
    for signature in _both_ways(alg, key, MESSAGE):
        for index in (0, len(signature) // 2, len(signature) - 1):
            tampered = _flip(signature, index)
            assert not direct.verify(MESSAGE, tampered, public)
            assert not model.verify(MESSAGE, tampered, key)
        other = _flip(MESSAGE, 3)
        assert not direct.verify(other, signature, public)
        assert not model.verify(other, signature, key)


@pytest.mark.parametrize(
    ("alg", "curve"), [("ES256", "P-256"), ("ES384", "P-384"), ("ES512", "P-521")]
)
def test_rfc7518_3_4_an_es_signature_is_r_and_s_at_the_curve_size_never_der(
    alg: str, curve: str
) -> None:
    """§3.4: the JWS Signature is R || S, each of the curve's order size (32, 48, 66 octets);
    a DER signature, a truncated one or one a byte too long is refused by both."""
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

    key = ec_key(curve)
    size = {"ES256": 32, "ES384": 48, "ES512": 66}[alg]
    direct, model = signature_algorithms()[alg], _model(alg)
    public = key.get_op_key("verify")
    signature = direct.sign(MESSAGE, key.get_op_key("sign"))
    assert len(signature) == 2 * size
    r, s = int.from_bytes(signature[:size], "big"), int.from_bytes(signature[size:], "big")
    der = encode_dss_signature(r, s)
    for wrong in (der, signature[:-1], signature + b"\x00", b"\x00" + signature):
        assert not direct.verify(MESSAGE, wrong, public)
        assert not model.verify(MESSAGE, wrong, key)


def test_rfc7518_3_4_a_key_of_another_curve_verifies_nothing() -> None:
    """The key choice hands each alg a key of its curve; given another, the check fails."""
    p256, p384 = ec_key("P-256"), ec_key("P-384")
    direct = signature_algorithms()["ES256"]
    signature = direct.sign(MESSAGE, p256.get_op_key("sign"))
    assert not direct.verify(MESSAGE, signature, ECKey.generate_key("P-256").get_op_key("verify"))
    with pytest.raises(TypeError):  # an EC key's verify needs the ECDSA argument
        signature_algorithms()["EdDSA"].verify(MESSAGE, signature, p384.get_op_key("verify"))


@settings(max_examples=40, deadline=None)
@given(
    case=st.sampled_from(CASES),
    message=st.binary(max_size=1024),
    index=st.integers(min_value=0),
)
def test_rfc7518_3_any_message_signed_by_either_verifies_with_both_and_no_bit_flip_does(
    case: tuple[str, str], message: bytes, index: int
) -> None:
    alg, key_name = case
    key = _key(key_name)
    public = key.get_op_key("verify")
    direct, model = signature_algorithms()[alg], _model(alg)
    for signature in _both_ways(alg, key, message):
        tampered = _flip(signature, index)
        assert not direct.verify(message, tampered, public)
        assert not model.verify(message, tampered, key)


def test_rfc8037_3_1_ed448_signs_through_the_same_entry() -> None:
    key = OKPKey.generate_key("Ed448")
    signature = signature_algorithms()["EdDSA"].sign(MESSAGE, key.get_op_key("sign"))
    assert len(signature) == 114  # RFC 8032 §5.2.6: 114 octets
    assert _model("EdDSA").verify(MESSAGE, signature, key)


def test_rfc7517_4_3_a_registered_key_resolves_its_verifying_key_once() -> None:
    from tests.assertions import keys_of, public_jwk

    registered = keys_of(public_jwk(ec_key("P-256")))[0]
    assert registered.verify_key is registered.verify_key
    expected = ec_key("P-256").get_op_key("verify").public_numbers()
    assert registered.verify_key.public_numbers() == expected
