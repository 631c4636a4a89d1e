"""RFC 9068 §2.1: the signing algorithm of JWT access tokens (``access_token_alg``).

Every algorithm is checked from the outside, as a resource server would: the token verifies
with joserfc against the provider's ``/jwks.json`` key of that ``alg``, and the provider's own
"me" API and introspection accept it.
"""

from __future__ import annotations

import warnings
from typing import Any

import httpx
import pytest
from joserfc import jwt
from joserfc.errors import SecurityWarning
from joserfc.jwk import KeySet

from mock_provider import ACCESS_TOKEN_ALGORITHMS, ManualClock, MockProvider
from mock_provider.protocol.rfc9068 import access_token_alg_problem
from mock_provider.state.keys import SigningKeys, process_key

NOW = 1_700_000_000
# RFC 7518 §3.3-3.4, RFC 8037 §3.1: the key each algorithm is published with.
KEY_TYPES = {
    **{f"{family}{n}": ("RSA", None) for family in ("RS", "PS") for n in (256, 384, 512)},
    "ES256": ("EC", "P-256"),
    "ES384": ("EC", "P-384"),
    "ES512": ("EC", "P-521"),
    "EdDSA": ("OKP", "Ed25519"),
}
ALG_MESSAGE = (
    "access_token_alg must be one of RS256, RS384, RS512, PS256, PS384, PS512, ES256, "
    "ES384, ES512, EdDSA, got {!r}"
)


def _provider(alg: str | None = None) -> MockProvider:
    options = {} if alg is None else {"access_token_alg": alg}
    provider = MockProvider(token_format="jwt", clock=ManualClock(NOW), **options)
    provider.add_client("jwt-client", "jwt-secret", scopes=("read",))
    return provider


def _token(provider: MockProvider) -> str:
    with httpx.Client(transport=provider.transport()) as http:
        response = http.post(
            provider.token_url,
            data={"grant_type": "client_credentials"},
            auth=("jwt-client", "jwt-secret"),
        )
    assert response.status_code == 200
    return str(response.json()["access_token"])


def _jwks(provider: MockProvider) -> dict[str, Any]:
    with httpx.Client(transport=provider.transport()) as http:
        response = http.get(provider.jwks_url)
    assert response.status_code == 200
    document: dict[str, Any] = response.json()
    return document


def _decode(token: str, jwks: dict[str, Any], alg: str) -> jwt.Token:
    with warnings.catch_warnings():
        # joserfc warns on the name EdDSA (RFC 9864 prefers Ed25519); RFC 9068 verifiers and
        # RFC 8037 know it as EdDSA, which is what the provider sends.
        warnings.simplefilter("ignore", SecurityWarning)
        return jwt.decode(token, KeySet.import_key_set(jwks), algorithms=[alg])


def _accepted(provider: MockProvider, token: str) -> tuple[int, bool]:
    with httpx.Client(transport=provider.transport()) as http:
        me = http.get(provider.me_url, headers={"Authorization": f"Bearer {token}"})
        introspected = http.post(
            provider.introspection_url, data={"token": token}, auth=("jwt-client", "jwt-secret")
        )
    return me.status_code, bool(introspected.json()["active"])


def test_rfc9068_2_1_rs256_is_the_default_and_always_supported() -> None:
    # §2.1: servers "MUST include RS256 among their supported signature algorithms".
    assert "RS256" in ACCESS_TOKEN_ALGORITHMS
    provider = _provider()
    assert provider.access_token_alg == "RS256"
    token = _token(provider)
    assert _decode(token, _jwks(provider), "RS256").header["alg"] == "RS256"
    assert _jwks(provider)["keys"][0]["alg"] == "RS256"


@pytest.mark.parametrize("alg", ACCESS_TOKEN_ALGORITHMS)
def test_rfc9068_2_1_each_algorithm_verifies_against_the_jwks(alg: str) -> None:
    provider = _provider(alg)
    token = _token(provider)
    jwks = _jwks(provider)
    (published,) = jwks["keys"]
    kty, crv = KEY_TYPES[alg]
    # RFC 7517 §4: the public key with its alg, kid and use, and no private member.
    assert (published["kty"], published.get("crv"), published["alg"]) == (kty, crv, alg)
    assert (published["kid"], published["use"]) == (provider.signing_keys.current.kid, "sig")
    assert not {"d", "p", "q", "dp", "dq", "qi"} & set(published)
    decoded = _decode(token, jwks, alg)
    assert decoded.header == {"alg": alg, "typ": "at+jwt", "kid": published["kid"]}
    assert decoded.claims["client_id"] == "jwt-client"
    assert decoded.claims["exp"] == NOW + 3600
    assert _accepted(provider, token) == (200, True)


@pytest.mark.parametrize("alg", ["ES256", "EdDSA", "PS256"])
def test_rfc9068_4_rotation_keeps_the_algorithm(alg: str) -> None:
    provider = _provider(alg)
    old_kid = provider.signing_keys.current.kid
    token = _token(provider)
    provider.rotate_signing_key()
    (published,) = _jwks(provider)["keys"]
    assert published["alg"] == alg
    assert published["kty"] == KEY_TYPES[alg][0]
    assert published["kid"] != old_kid
    # §4: a token whose signature no longer verifies is refused, at the API and introspection.
    assert _accepted(provider, token) == (401, False)
    fresh = _token(provider)
    assert _decode(fresh, _jwks(provider), alg).header["kid"] == published["kid"]
    assert _accepted(provider, fresh) == (200, True)


def test_rfc9068_4_a_token_is_verified_with_its_own_algorithm_only() -> None:
    es256, rs256 = SigningKeys("ES256"), SigningKeys("RS256")
    claims = {"iss": "https://mock-oauth.test", "sub": "c", "client_id": "c", "jti": "j"}
    token = es256.sign(dict(claims))
    assert es256.verify(token) == claims
    # §4: "using the algorithm specified in the JWT alg Header Parameter", and only the one
    # this provider signs with: another algorithm's token never verifies.
    assert rs256.verify(token) is None
    head, payload, signature = token.split(".")
    flipped = signature[:-2] + ("A" if signature[-2] != "A" else "B") + signature[-1]
    assert es256.verify(f"{head}.{payload}.{flipped}") is None
    assert es256.verify("not.a.jwt") is None


def test_rfc9068_keys_are_generated_once_per_algorithm_and_reused() -> None:
    first, second = _provider("ES256"), _provider("ES256")
    assert first.signing_keys.current is second.signing_keys.current
    assert first.signing_keys.current is process_key("ES256")
    assert process_key() is process_key("RS256")
    assert process_key("ES256") is not process_key("EdDSA")


@pytest.mark.parametrize("bad", ["HS256", "none", "es256", "", 256])
def test_rfc9068_2_1_an_unknown_algorithm_is_refused_naming_the_allowed_ones(bad: object) -> None:
    assert access_token_alg_problem(bad) == ALG_MESSAGE.format(bad)
    with pytest.raises(ValueError) as refused:
        MockProvider(token_format="jwt", access_token_alg=bad)  # type: ignore[arg-type]
    assert str(refused.value) == ALG_MESSAGE.format(bad)
    with pytest.raises(ValueError) as refused:
        SigningKeys(bad)  # type: ignore[arg-type]
    assert str(refused.value) == ALG_MESSAGE.format(bad)


@pytest.mark.parametrize("alg", ["RS256", "ES256", "EdDSA"])
def test_rfc9068_no_key_material_in_any_repr(alg: str) -> None:
    provider = _provider(alg)
    token = _token(provider)
    private = provider.signing_keys.current.as_dict(private=True)
    shown = repr(provider) + repr(provider.signing_keys) + repr(provider.tokens)
    shown += repr(provider.requests) + str(_jwks(provider))
    assert f"access_token_alg={alg!r}" in repr(provider)
    assert repr(provider.signing_keys) == (
        f"SigningKeys(alg={alg!r}, kid={provider.signing_keys.current.kid!r})"
    )
    assert private["d"] not in shown
    assert token not in repr(provider.requests)


def test_rfc9068_discovery_documents_stay_true_for_any_algorithm() -> None:
    provider = _provider("ES256")
    with httpx.Client(transport=provider.transport()) as http:
        metadata = http.get(provider.metadata_url).json()
        oidc = http.get(provider.openid_configuration_url).json()
    # The JWKS both documents name holds the key that verifies the tokens (RFC 8414 §2);
    # no ID token is issued, and OpenID Discovery §3 requires RS256 in that member whatever
    # signs the access tokens.
    assert metadata["jwks_uri"] == oidc["jwks_uri"] == provider.jwks_url
    assert oidc["id_token_signing_alg_values_supported"] == ["RS256"]
    assert _decode(_token(provider), _jwks(provider), "ES256").header["alg"] == "ES256"
