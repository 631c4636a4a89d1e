"""RFC 8414: authorization server metadata."""

from __future__ import annotations

import httpx
import pytest

from mock_provider import ManualClock, MockProvider

WELL_KNOWN = "/.well-known/oauth-authorization-server"


def _get(provider: MockProvider, path: str) -> httpx.Response:
    with httpx.Client(transport=provider.transport()) as http:
        return http.get(path)


def test_rfc8414_2_metadata_document() -> None:
    provider = MockProvider("https://auth.example.test", clock=ManualClock(0))
    provider.add_client("a", "s", scopes=("write", "read"))
    provider.add_client("b", "s", scopes=("admin", "read"))
    response = _get(provider, "https://auth.example.test" + WELL_KNOWN)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    methods = ["client_secret_basic", "client_secret_post", "client_secret_jwt", "private_key_jwt"]
    algs = ["HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512"]
    algs += ["ES256", "ES384", "ES512", "EdDSA"]
    assert response.json() == {
        "issuer": "https://auth.example.test",
        "authorization_endpoint": "https://auth.example.test/oauth/authorize",
        "token_endpoint": "https://auth.example.test/oauth/token",
        "token_endpoint_auth_methods_supported": methods,
        "token_endpoint_auth_signing_alg_values_supported": algs,
        "revocation_endpoint_auth_signing_alg_values_supported": algs,
        "introspection_endpoint_auth_signing_alg_values_supported": algs,
        "grant_types_supported": ["client_credentials"],
        "response_types_supported": [],
        "revocation_endpoint": "https://auth.example.test/oauth/revoke",
        "revocation_endpoint_auth_methods_supported": methods,
        "introspection_endpoint": "https://auth.example.test/oauth/introspect",
        "introspection_endpoint_auth_methods_supported": methods,
        "scopes_supported": ["admin", "read", "write"],
    }


@pytest.mark.parametrize(
    "given",
    ["https://auth.example.test", "https://auth.example.test/"],
)
def test_rfc8414_3_3_issuer_is_exact_without_trailing_slash(given: str) -> None:
    # §3.3: the issuer "MUST be identical to the issuer identifier value into which the
    # well-known URI string was inserted".
    provider = MockProvider(given)
    body = _get(provider, provider.metadata_url).json()
    assert body["issuer"] == "https://auth.example.test"
    assert body["token_endpoint"] == "https://auth.example.test/oauth/token"
    assert provider.metadata_url == "https://auth.example.test" + WELL_KNOWN


@pytest.mark.parametrize("given", ["https://idp.test/tenant-1", "https://idp.test/tenant-1/"])
def test_rfc8414_3_1_issuer_with_path_uses_the_inserted_well_known_form(given: str) -> None:
    # §3.1: the well-known string "is inserted into the authorization server's issuer
    # identifier between the host component and the path component".
    provider = MockProvider(given)
    assert provider.metadata_url == "https://idp.test" + WELL_KNOWN + "/tenant-1"
    response = _get(provider, provider.metadata_url)
    assert response.status_code == 200
    body = response.json()
    assert body["issuer"] == "https://idp.test/tenant-1"
    assert body["token_endpoint"] == "https://idp.test/tenant-1/oauth/token"
    # The appended (OIDC-style) form is not served.
    assert _get(provider, "https://idp.test/tenant-1" + WELL_KNOWN).status_code == 404


def test_rfc8414_3_1_endpoints_under_an_issuer_path_answer() -> None:
    provider = MockProvider("https://idp.test/tenant-1")
    provider.add_client("c", "s")
    with httpx.Client(transport=provider.transport()) as http:
        response = http.post(
            provider.token_url, data={"grant_type": "client_credentials"}, auth=("c", "s")
        )
    assert response.status_code == 200


def test_rfc8414_2_jwks_uri_only_in_jwt_mode() -> None:
    opaque = MockProvider()
    assert "jwks_uri" not in _get(opaque, opaque.metadata_url).json()
    jwt = MockProvider(token_format="jwt")
    assert _get(jwt, jwt.metadata_url).json()["jwks_uri"] == "https://mock-oauth.test/jwks.json"
    # OpenID Connect Discovery §3 REQUIRES jwks_uri, so the JWK Set is served in opaque mode
    # too: empty, since no token is signed.
    response = _get(opaque, opaque.jwks_url)
    assert response.status_code == 200
    assert response.json() == {"keys": []}


@pytest.mark.parametrize(
    "issuer",
    ["ftp://idp.test", "idp.test", "https://idp.test/?x=1", "https://idp.test/#frag"],
)
def test_rfc8414_2_issuer_must_be_a_url_without_query_or_fragment(issuer: str) -> None:
    with pytest.raises(ValueError, match="issuer must"):
        MockProvider(issuer)


def test_rfc8414_3_metadata_refuses_post() -> None:
    provider = MockProvider()
    with httpx.Client(transport=provider.transport()) as http:
        response = http.post(provider.metadata_url)
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD"


def test_rfc8414_3_head_has_the_get_headers_and_no_body() -> None:
    # RFC 9110 §9.3.2: HEAD is GET without content, with the same header fields.
    provider = MockProvider()
    with httpx.Client(transport=provider.transport()) as http:
        got = http.get(provider.metadata_url)
        response = http.head(provider.metadata_url)
    assert response.status_code == 200
    assert response.content == b""
    assert response.headers["content-length"] == str(len(got.content))
    assert response.headers["content-type"] == "application/json"


def test_rfc8414_3_head_over_the_socket() -> None:
    provider = MockProvider()
    with provider.serve(), httpx.Client(timeout=5) as http:
        got = http.get(provider.metadata_url)
        response = http.head(provider.metadata_url)
    assert response.status_code == 200
    assert response.content == b""
    assert response.headers["content-length"] == got.headers["content-length"]
