"""RFC 7517 (JWK Sets) as a client's registered keys: public signing keys only, problems as data."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import pytest

from mock_provider.protocol.jwks import (
    JWKSError,
    KeyChoiceError,
    cert_der,
    jwks_problems,
    load_public_keys,
    select_key,
    x5t,
    x5t_s256,
)
from tests.assertions import b64, certificate, ec_key, okp_key, public_jwk, rsa_key


def test_rfc7517_5_a_set_of_rsa_ec_and_okp_public_keys_is_accepted() -> None:
    jwks = {
        "keys": [
            public_jwk(rsa_key(), kid="r", use="sig", alg="PS256"),
            public_jwk(ec_key("P-384"), kid="e", key_ops=["verify"]),
            public_jwk(okp_key("Ed25519"), kid="o"),
        ]
    }
    assert jwks_problems(jwks) == []
    keys = load_public_keys(jwks)
    assert [(k.kty, k.kid, k.crv) for k in keys] == [
        ("RSA", "r", None),
        ("EC", "e", "P-384"),
        ("OKP", "o", "Ed25519"),
    ]
    assert repr(keys[0]) == "PublicKey(kty='RSA', kid='r')"


@pytest.mark.parametrize(
    ("jwks", "problems"),
    [
        pytest.param(
            [public_jwk(rsa_key())],
            [("jwks", "must be a JWK Set: an object with a 'keys' array (RFC 7517 §5)")],
            id="a-bare-list",
        ),
        pytest.param(
            {"keys": []},
            [("jwks.keys", "must be a non-empty array of public JWKs (RFC 7517 §5)")],
            id="no-keys",
        ),
        pytest.param(
            {"keys": ["not-a-jwk"]}, [("jwks.keys[0]", "must be a JWK object")], id="a-string"
        ),
    ],
)
def test_rfc7517_5_the_set_shape(jwks: Any, problems: list[tuple[str, str]]) -> None:
    assert jwks_problems(jwks) == problems


@pytest.mark.parametrize(
    "key", [pytest.param(rsa_key(), id="RSA"), pytest.param(ec_key(), id="EC")]
)
def test_rfc7517_9_2_a_private_key_is_refused_naming_its_members_never_their_values(
    key: Any,
) -> None:
    private = dict(key.as_dict(private=True))
    problems = jwks_problems({"keys": [public_jwk(okp_key()), private]})
    members = [m for m in ("d", "p", "q", "dp", "dq", "qi") if m in private]
    names = ", ".join(repr(m) for m in members)
    assert problems == [
        (
            "jwks.keys[1]",
            f"has private key member(s) {names}: register the public key only, never the "
            "private key (RFC 7517 section 9.2)",
        )
    ]
    with pytest.raises(JWKSError) as caught:
        load_public_keys({"keys": [private]})
    for member in members:
        assert str(private[member]) not in str(caught.value)
    assert str(caught.value).startswith("the JWK Set cannot be registered:\n  jwks.keys[0]: ")


def test_rfc7517_9_2_a_symmetric_key_is_refused() -> None:
    assert jwks_problems({"keys": [{"kty": "oct", "k": "c2VjcmV0"}]}) == [
        (
            "jwks.keys[0]",
            "has private key member(s) 'k': register the public key only, never the private "
            "key (RFC 7517 section 9.2)",
        ),
        ("jwks.keys[0].kty", "must be 'RSA', 'EC' or 'OKP' (a public signing key)"),
    ]


@pytest.mark.parametrize(
    ("jwk", "problem"),
    [
        pytest.param(
            public_jwk(ec_key(), crv="secp256k1"),
            ("jwks.keys[0].crv", "must be one of P-256, P-384, P-521 for a EC signing key"),
            id="ec-curve",
        ),
        pytest.param(
            {"kty": "OKP", "crv": "X25519", "x": "AAAA"},
            ("jwks.keys[0].crv", "must be one of Ed25519, Ed448 for a OKP signing key"),
            id="okp-ecdh-curve",
        ),
        pytest.param(
            public_jwk(rsa_key(), use="enc"),
            ("jwks.keys[0].use", "must be 'sig' for a client authentication key"),
            id="use-enc",
        ),
        pytest.param(
            public_jwk(rsa_key(), key_ops=["encrypt"]),
            ("jwks.keys[0].key_ops", "must include 'verify' (RFC 7517 section 4.3)"),
            id="key-ops",
        ),
        pytest.param(
            public_jwk(rsa_key(), alg="ES256"),
            ("jwks.keys[0].alg", "is not an asymmetric signing algorithm for RSA"),
            id="alg-of-another-kty",
        ),
        pytest.param(
            public_jwk(rsa_key(), kid=7),
            ("jwks.keys[0].kid", "must be a string (RFC 7517 section 4.5)"),
            id="kid-number",
        ),
        pytest.param(
            {"kty": "RSA", "n": public_jwk(rsa_key())["n"]},
            ("jwks.keys[0]", "is not a valid RSA public key"),
            id="rsa-missing-e",
        ),
    ],
)
def test_rfc7517_4_each_member_is_checked(jwk: dict[str, Any], problem: tuple[str, str]) -> None:
    assert jwks_problems({"keys": [jwk]}) == [problem]


def test_rfc7518_3_3_an_rsa_key_under_2048_bits_is_refused() -> None:
    from cryptography.hazmat.primitives.asymmetric import rsa

    numbers = rsa.generate_private_key(65537, 1024).public_key().public_numbers()

    def b64url(value: int) -> str:
        raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    small = {"kty": "RSA", "n": b64url(numbers.n), "e": b64url(numbers.e)}
    assert jwks_problems({"keys": [small]}) == [
        ("jwks.keys[0]", "RSA keys must have at least 2048 bits (RFC 7518 §3.3)")
    ]


def test_rfc7517_4_5_kid_values_are_distinct() -> None:
    jwks = {"keys": [public_jwk(rsa_key("first"), kid="k"), public_jwk(rsa_key("second"), kid="k")]}
    assert jwks_problems(jwks) == [("jwks.keys[1].kid", "is used by an earlier key of this set")]


def test_rfc7517_4_7_the_first_certificate_holds_the_jwk_key() -> None:
    wrong = public_jwk(rsa_key("first"), x5c=[b64(certificate("second"))])
    assert jwks_problems({"keys": [wrong]}) == [
        ("jwks.keys[0].x5c[0]", "certifies another key than this JWK's")
    ]


@pytest.mark.parametrize(
    ("x5c", "problem"),
    [
        pytest.param(
            [], ("jwks.keys[0].x5c", "must be a non-empty array of certificates"), id="empty"
        ),
        pytest.param(
            ["***"],
            ("jwks.keys[0].x5c[0]", "an x5c entry is not valid base64 (RFC 7517 section 4.7)"),
            id="not-base64",
        ),
        pytest.param(
            ["bm90IGEgY2VydA=="],
            ("jwks.keys[0].x5c[0]", "is not a DER X.509 certificate"),
            id="not-der",
        ),
    ],
)
def test_rfc7517_4_7_x5c_entries_are_base64_der_certificates(
    x5c: list[str], problem: tuple[str, str]
) -> None:
    assert jwks_problems({"keys": [public_jwk(rsa_key(), x5c=x5c)]}) == [problem]


@pytest.mark.parametrize("member", ["x5t", "x5t#S256"])
def test_rfc7517_4_8_and_4_9_thumbprint_members_match_the_certificate(member: str) -> None:
    jwk = public_jwk(rsa_key(), x5c=[b64(certificate())], **{member: "AAAA"})
    assert jwks_problems({"keys": [jwk]}) == [
        (f"jwks.keys[0].{member}", "is not the thumbprint of x5c[0]")
    ]


def test_rfc7515_4_1_7_and_4_1_8_thumbprints_are_base64url_digests_of_the_der() -> None:
    der = certificate()
    sha1 = base64.urlsafe_b64encode(hashlib.sha1(der).digest()).rstrip(b"=").decode()
    sha256 = base64.urlsafe_b64encode(hashlib.sha256(der).digest()).rstrip(b"=").decode()
    assert (x5t(der), x5t_s256(der)) == (sha1, sha256)
    keys = load_public_keys({"keys": [public_jwk(rsa_key(), x5c=[b64(der)])]})
    assert (keys[0].x5t, keys[0].x5t_s256) == (sha1, sha256)


def test_rfc7517_4_7_x5c_entries_are_standard_base64_possibly_wrapped() -> None:
    der = certificate()
    wrapped = "\n".join(b64(der)[i : i + 64] for i in range(0, len(b64(der)), 64))
    assert cert_der(wrapped) == der


def test_rfc7517_5_key_choice_reads_each_set_it_is_given() -> None:
    from joserfc.jwk import OKPKey

    first = load_public_keys({"keys": [public_jwk(okp_key())]})
    second = load_public_keys({"keys": [public_jwk(OKPKey.generate_key("Ed25519"))]})
    for _ in range(2):  # the second time from the per-set cache
        assert select_key({"alg": "EdDSA"}, first, "EdDSA") is first[0]
        assert select_key({"alg": "EdDSA"}, second, "EdDSA") is second[0]
    assert select_key({"alg": "EdDSA"}, list(second), "EdDSA") is second[0]  # not a tuple
    with pytest.raises(KeyChoiceError):
        select_key({"alg": "ES256"}, first, "ES256")


def test_rfc7517_5_the_per_set_key_filter_is_bounded() -> None:
    from mock_provider.protocol.jwks import _usable_in

    jwk = public_jwk(okp_key())
    for _ in range(300):
        select_key({"alg": "EdDSA"}, load_public_keys({"keys": [jwk]}), "EdDSA")
    assert _usable_in.cache_info().currsize <= 256


@pytest.mark.parametrize("member", ["kid", "x5t#S256", "x5t", "x5c"])
def test_rfc7515_4_1_a_hint_is_checked_even_against_the_clients_only_key(member: str) -> None:
    only = load_public_keys({"keys": [public_jwk(rsa_key(), kid="k1", x5c=[b64(certificate())])]})
    assert select_key({"alg": "RS256"}, only, "RS256") is only[0]  # no hint: the only key
    stranger = certificate("stranger")
    hints = {
        "kid": "k2",
        "x5t#S256": x5t_s256(stranger),
        "x5t": x5t(stranger),
        "x5c": [b64(stranger)],
    }
    with pytest.raises(KeyChoiceError) as refused:
        select_key({"alg": "RS256", member: hints[member]}, only, "RS256")
    assert refused.value.rule == member
