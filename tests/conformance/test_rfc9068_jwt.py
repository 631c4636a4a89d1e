"""RFC 9068: JWT access tokens, and the JWKS that verifies them (checked with joserfc)."""

from __future__ import annotations

import httpx
from joserfc import jwt
from joserfc.jwk import KeySet

from mock_provider import ManualClock, MockProvider

NOW = 1_700_000_000


def _provider() -> MockProvider:
    provider = MockProvider(token_format="jwt", clock=ManualClock(NOW))
    provider.add_client("jwt-client", "jwt-secret", scopes=("read", "write"))
    return provider


def _token(provider: MockProvider, **form: str) -> str:
    with httpx.Client(transport=provider.transport()) as http:
        response = http.post(
            provider.token_url,
            data={"grant_type": "client_credentials", **form},
            auth=("jwt-client", "jwt-secret"),
        )
    assert response.status_code == 200
    return str(response.json()["access_token"])


def _keys(provider: MockProvider) -> KeySet:
    with httpx.Client(transport=provider.transport()) as http:
        response = http.get(provider.jwks_url)
    assert response.status_code == 200
    return KeySet.import_key_set(response.json())


def test_rfc9068_2_1_header_typ_and_alg() -> None:
    provider = _provider()
    decoded = jwt.decode(_token(provider), _keys(provider), algorithms=["RS256"])
    # §2.1: "Resource servers MUST verify that the typ header value is at+jwt";
    # alg RS256 is the one §2.1 requires every implementation to support.
    assert decoded.header == {
        "alg": "RS256",
        "typ": "at+jwt",
        "kid": provider.signing_keys.current.kid,
    }


def test_rfc9068_2_2_required_claims() -> None:
    provider = _provider()
    decoded = jwt.decode(_token(provider, scope="read"), _keys(provider), algorithms=["RS256"])
    (issued,) = provider.tokens
    # §2.2: iss, exp, aud, sub, client_id, iat, jti are REQUIRED; §2.2.3 scope.
    assert decoded.claims == {
        "iss": provider.url,
        "sub": "jwt-client",
        "aud": provider.url,
        "exp": NOW + 3600,
        "iat": NOW,
        "jti": issued.jti,
        "client_id": "jwt-client",
        "scope": "read",
    }


def test_rfc9068_2_2_audience_from_resource_indicators() -> None:
    provider = _provider()
    token = _token(provider, resource="https://api.test/")
    assert jwt.decode(token, _keys(provider)).claims["aud"] == "https://api.test/"


def test_rfc9068_4_jwks_verifies_and_the_api_accepts() -> None:
    provider = _provider()
    token = _token(provider)
    with httpx.Client(transport=provider.transport()) as http:
        me = http.get(provider.me_url, headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    assert me.json()["client_id"] == "jwt-client"


def test_rfc9068_jwt_tokens_are_unique() -> None:
    provider = _provider()
    assert len({_token(provider) for _ in range(20)}) == 20


def test_rfc9068_signing_key_is_reused_across_providers() -> None:
    first, second = _provider(), _provider()
    assert first.signing_keys.current is second.signing_keys.current
    token = _token(first)
    # A token from one provider verifies with the other's JWKS: same process key.
    assert jwt.decode(token, _keys(second)).claims["client_id"] == "jwt-client"


def test_rfc9068_rotated_key_invalidates_old_tokens() -> None:
    provider = _provider()
    token = _token(provider)
    provider.rotate_signing_key()
    with httpx.Client(transport=provider.transport()) as http:
        me = http.get(provider.me_url, headers={"Authorization": f"Bearer {token}"})
        introspected = http.post(
            provider.introspection_url, data={"token": token}, auth=("jwt-client", "jwt-secret")
        )
    assert introspected.json() == {"active": False}
    assert me.status_code == 401
    assert me.json() == {
        "error": "invalid_token",
        "error_description": "the access token's signing key was rotated out",
    }
    assert [key["kid"] for key in _keys(provider).as_dict()["keys"]] == [
        provider.signing_keys.current.kid
    ]
