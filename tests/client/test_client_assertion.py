"""The reference client's JWT client assertions: accepted by the provider's verifier, a fresh
jti each time, and the key never shown (errors, reprs)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from joserfc.util import urlsafe_b64decode

from mock_provider.protocol.rfc7523 import JWT_BEARER
from mock_provider.state.jti import JtiStore
from pytest_oauthcc.client.assertion import (
    CLIENT_ASSERTION_TYPE,
    private_key_signer,
    secret_signer,
)
from pytest_oauthcc.errors import ClientConfigurationError
from tests.assertions import (
    CLIENT_ID,
    NOW,
    SECRET,
    TOKEN_URL,
    ec_key,
    keys_of,
    okp_key,
    public_jwk,
    rsa_key,
    verify,
)


def test_the_assertion_type_is_rfc7523s() -> None:
    assert CLIENT_ASSERTION_TYPE == JWT_BEARER


@pytest.mark.parametrize("alg", ["HS256", "HS384", "HS512"])
def test_client_secret_jwt_assertions_are_accepted(alg: str) -> None:
    signer = secret_signer(SECRET, alg=alg)
    verified = verify(signer.assertion(CLIENT_ID, TOKEN_URL, now=NOW))
    assert (verified.method, verified.alg, verified.exp) == ("client_secret_jwt", alg, NOW + 60)


@pytest.mark.parametrize(
    ("key", "alg", "expected_alg"),
    [
        pytest.param(rsa_key(), None, "RS256", id="rsa-default"),
        pytest.param(rsa_key(), "PS256", "PS256", id="rsa-ps256"),
        pytest.param(ec_key("P-256"), None, "ES256", id="p256-default"),
        pytest.param(ec_key("P-384"), None, "ES384", id="p384-default"),
        pytest.param(ec_key("P-521"), None, "ES512", id="p521-default"),
        pytest.param(okp_key("Ed25519"), None, "EdDSA", id="ed25519-default"),
    ],
)
@pytest.mark.parametrize("form", ["pem", "jwk"])
def test_private_key_jwt_assertions_are_accepted(
    key: Any, alg: str | None, expected_alg: str, form: str
) -> None:
    private: Any = key.as_pem(private=True).decode() if form == "pem" else key.as_dict(private=True)
    signer = private_key_signer(private, alg=alg, kid="k1")
    assert signer.alg == expected_alg
    keys = keys_of(public_jwk(key, kid="k1"), public_jwk(rsa_key("other"), kid="k2"))
    verified = verify(signer.assertion(CLIENT_ID, TOKEN_URL, now=NOW), keys=keys)
    assert (verified.method, verified.alg) == ("private_key_jwt", expected_alg)


def test_the_jwk_kid_is_sent_unless_another_is_given() -> None:
    jwk = dict(rsa_key().as_dict(private=True), kid="from-jwk")
    assert private_key_signer(jwk).kid == "from-jwk"
    assert private_key_signer(jwk, kid="given").kid == "given"
    assert private_key_signer(rsa_key().as_pem(private=True).decode()).kid is None


def test_every_assertion_has_a_fresh_jti_and_each_is_accepted_once() -> None:
    signer = secret_signer(SECRET)
    store = JtiStore(lambda: NOW)
    assertions = [signer.assertion(CLIENT_ID, TOKEN_URL, now=NOW) for _ in range(20)]
    jtis = {verify(a, replay=store).jti for a in assertions}
    assert len(jtis) == 20


def _jti(assertion: str) -> str:
    jti: str = json.loads(urlsafe_b64decode(assertion.split(".")[1].encode()))["jti"]
    return jti


def test_rfc7519_4_1_7_jtis_are_unique_across_signers_and_in_a_forked_child() -> None:
    """A jti is unique per process by its counter, and across processes by 96 random bits
    that a forked child draws again (its counter starts where its parent's stood)."""
    first, second = secret_signer(SECRET), private_key_signer(ec_key("P-256").as_dict(True))
    jtis = [_jti(s.assertion(CLIENT_ID, TOKEN_URL, now=NOW)) for s in (first, second) * 500]
    assert len(set(jtis)) == len(jtis)
    assert {len(jti) for jti in jtis} == {32}
    if not hasattr(os, "fork"):
        pytest.skip("no fork on this platform")
    # Forked in a process of its own: a forked pytest worker may hold threads.
    script = textwrap.dedent(
        f"""
        import os
        from pytest_oauthcc.client.assertion import secret_signer
        signer = secret_signer({SECRET!r})
        signer.assertion("c", "https://as.test/token", now=0)
        read, write = os.pipe()
        if os.fork() == 0:
            os.write(write, signer.assertion("c", "https://as.test/token", now=0).encode())
            os._exit(0)
        os.close(write)
        os.wait()
        print(os.read(read, 4096).decode())
        print(signer.assertion("c", "https://as.test/token", now=0))
        """
    )
    ran = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    in_child, in_parent = (_jti(line) for line in ran.stdout.split())
    assert len(in_child) == len(in_parent) == 32
    # Without the reseed both would be the parent's second jti: the child drew its own
    # prefix and counts from zero.
    assert in_child[:16] != in_parent[:16]
    assert (in_child[16:], in_parent[16:]) == (f"{0:016x}", f"{1:016x}")


def test_the_signing_key_is_resolved_once_and_never_shown() -> None:
    signer = private_key_signer(ec_key("P-256").as_dict(True))
    prepared = signer._signing_key
    assert prepared.get_op_key("sign") is prepared.get_op_key("sign")
    assert prepared.curve_key_size == 256
    assert prepared.key_type == "EC"  # anything else is the joserfc key's own
    assert repr(prepared) == "_SigningKey()"
    assert (
        verify(
            signer.assertion(CLIENT_ID, TOKEN_URL, now=NOW),
            keys=keys_of(public_jwk(ec_key("P-256"))),
        ).alg
        == "ES256"
    )


def test_the_lifetime_is_short_and_configurable() -> None:
    signer = secret_signer(SECRET)
    assert verify(signer.assertion(CLIENT_ID, TOKEN_URL, now=NOW, lifetime=30)).exp == NOW + 30


@pytest.mark.parametrize(
    ("call", "message"),
    [
        pytest.param(
            lambda: secret_signer(SECRET, alg="RS256"),
            "client_secret_jwt signs with HS256, HS384 or HS512, not alg='RS256'",
            id="secret-with-rsa-alg",
        ),
        pytest.param(
            lambda: secret_signer("too-short-secret", alg="HS256"),
            "client_secret_jwt with HS256 needs a client secret of at least 32 bytes "
            "(RFC 7518 section 3.2); the configured secret is shorter",
            id="short-secret",
        ),
        pytest.param(
            lambda: private_key_signer(rsa_key().as_pem(private=False).decode()),
            "private_key must be a PEM private key ('-----BEGIN ... PRIVATE KEY-----') or a "
            "private JWK dict",
            id="public-pem",
        ),
        pytest.param(
            lambda: private_key_signer(public_jwk(rsa_key())),
            "private_key_jwt needs the private key (the JWK has no 'd' member); the provider "
            "is given the public key",
            id="public-jwk",
        ),
        pytest.param(
            lambda: private_key_signer({"kty": "oct", "k": "c2VjcmV0"}),
            "private_key_jwt needs an RSA, EC or OKP private key (kty); for a shared secret "
            "use client_secret_jwt",
            id="oct-jwk",
        ),
        pytest.param(
            lambda: private_key_signer(ec_key("P-256").as_dict(private=True), alg="ES384"),
            "a P-256 key signs with ES256, not alg='ES384'",
            id="alg-for-another-curve",
        ),
        pytest.param(
            lambda: private_key_signer(
                "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n"
            ),
            "the private key PEM cannot be loaded (an encrypted or damaged key?); pass an "
            "unencrypted PKCS#8 or traditional PEM private key",
            id="damaged-pem",
        ),
    ],
)
def test_a_key_that_cannot_sign_is_refused_up_front(call: Any, message: str) -> None:
    with pytest.raises(ClientConfigurationError) as caught:
        call()
    assert str(caught.value) == message


def test_an_rsa_key_under_2048_bits_is_refused() -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    pem = (
        rsa.generate_private_key(65537, 1024)
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode()
    )
    with pytest.raises(ClientConfigurationError) as caught:
        private_key_signer(pem)
    assert str(caught.value) == (
        "an RSA key for private_key_jwt needs at least 2048 bits (RFC 7518 section 3.3), not 1024"
    )


def test_the_key_never_appears_in_reprs_or_errors() -> None:
    pem = rsa_key().as_pem(private=True).decode()
    signer = private_key_signer(pem, kid="k1")
    assert repr(signer) == "AssertionSigner(method='private_key_jwt', alg='RS256', kid='k1')"
    assert repr(secret_signer(SECRET)) == (
        "AssertionSigner(method='client_secret_jwt', alg='HS256', kid=None)"
    )
    body = "".join(pem.splitlines()[1:-1])
    with pytest.raises(ClientConfigurationError) as caught:
        private_key_signer(pem.replace("PRIVATE KEY-----", "PRIVATE KEY-----\n!!"))
    assert body[:40] not in str(caught.value)
    with pytest.raises(ClientConfigurationError) as short:
        secret_signer("s" * 31)
    assert "s" * 31 not in str(short.value)


@given(client_id=st.text(min_size=1), audience=st.text(min_size=1), now=st.integers(0, 2**40))
def test_the_claims_are_the_json_of_rfc7523_section_3(
    client_id: str, audience: str, now: int
) -> None:
    signer = secret_signer(SECRET)
    for _ in range(2):  # the second assertion reuses what the first one encoded
        assertion = signer.assertion(client_id, audience, now=now, lifetime=60)
        payload = urlsafe_b64decode(assertion.split(".")[1].encode())
        claims = json.loads(payload)
        # RFC 7523 §3 items 1-4, OpenID Connect Core §9; byte for byte the JSON encoder's.
        assert claims == {
            "iss": client_id,
            "sub": client_id,
            "aud": audience,
            "iat": now,
            "exp": now + 60,
            "jti": claims["jti"],
        }
        assert payload == json.dumps(claims, separators=(",", ":")).encode()
        assert len(claims["jti"]) == 32
