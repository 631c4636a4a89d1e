"""The discovery endpoints as served: OpenID Connect Discovery 1.0 (appended form), RFC 8414
(inserted form), RFC 9728 protected-resource metadata and the refusing authorization
endpoint, for root and path issuers, routed and faultable."""

from __future__ import annotations

import httpx
import pytest

from mock_provider import ManualClock, MockProvider

from .conftest import NOW


def _get(provider: MockProvider, url: str, **kwargs: object) -> httpx.Response:
    with httpx.Client(transport=provider.transport()) as http:
        return http.get(url, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("issuer", "oidc", "rfc8414"),
    [
        pytest.param(
            "https://idp.test",
            "https://idp.test/.well-known/openid-configuration",
            "https://idp.test/.well-known/oauth-authorization-server",
            id="root",
        ),
        pytest.param(
            "https://idp.test/tenant",
            "https://idp.test/tenant/.well-known/openid-configuration",
            "https://idp.test/.well-known/oauth-authorization-server/tenant",
            id="path",
        ),
    ],
)
def test_oidc_discovery_4_appended_and_rfc8414_3_1_inserted(
    issuer: str, oidc: str, rfc8414: str
) -> None:
    provider = MockProvider(issuer, clock=ManualClock(NOW))
    provider.add_client("c", "s", scopes=["read"])
    assert (provider.openid_configuration_url, provider.metadata_url) == (oidc, rfc8414)
    document = _get(provider, oidc)
    assert document.status_code == 200
    doc = document.json()
    # §4.3: "The issuer value returned MUST be identical to the Issuer URL".
    assert doc["issuer"] == issuer
    assert doc["jwks_uri"] == issuer + "/jwks.json"
    assert doc["authorization_endpoint"] == issuer + "/oauth/authorize"
    assert doc["token_endpoint"] == issuer + "/oauth/token"
    assert doc["response_types_supported"] == []
    assert doc["subject_types_supported"] == ["public"]
    assert doc["id_token_signing_alg_values_supported"] == ["RS256"]
    assert doc["scopes_supported"] == ["read"]
    assert doc["token_endpoint_auth_methods_supported"] == [
        "client_secret_basic",
        "client_secret_post",
        "client_secret_jwt",
        "private_key_jwt",
    ]
    oauth = _get(provider, rfc8414).json()
    assert oauth["issuer"] == issuer
    assert oauth["authorization_endpoint"] == doc["authorization_endpoint"]
    # Each document at the other's location is not served (no guessing between forms).
    wrong = issuer.replace("/tenant", "") + "/.well-known/openid-configuration/tenant"
    if "/tenant" in issuer:
        assert _get(provider, wrong).status_code == 404


def test_oidc_discovery_3_jwks_uri_is_served_in_opaque_mode_too() -> None:
    provider = MockProvider(clock=ManualClock(NOW))
    doc = _get(provider, provider.openid_configuration_url).json()
    keys = _get(provider, doc["jwks_uri"])
    assert (keys.status_code, keys.json()) == (200, {"keys": []})


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_rfc6749_4_1_2_1_authorization_endpoint_refuses_every_request(method: str) -> None:
    provider = MockProvider(clock=ManualClock(NOW))
    with httpx.Client(transport=provider.transport()) as http:
        response = http.request(
            method,
            provider.authorization_url,
            params={"response_type": "code", "client_id": "c", "redirect_uri": "https://x.test/cb"},
        )
    assert response.status_code == 400
    assert "location" not in response.headers  # never redirected to an unregistered URI
    assert response.json() == {
        "error": "unsupported_response_type",
        "error_description": "this provider serves the client credentials grant only: no "
        "response_type is supported at the authorization endpoint (RFC 6749 section 4.1.2.1)",
    }
    assert provider.requests[-1].endpoint == "authorize"


@pytest.mark.parametrize("issuer", ["https://api.test", "https://api.test/tenant"])
def test_rfc9728_3_metadata_of_every_protected_resource(issuer: str) -> None:
    provider = MockProvider(issuer, clock=ManualClock(NOW), me_scopes=["me:read"])
    provider.add_resource("orders", "/api/orders", scopes=["orders:read"])
    for name, path, scopes in (("me", "/api/me", ["me:read"]), ("orders", "/api/orders", [])):
        url = provider.resource_metadata_url(name)
        expected_url = issuer.replace("/tenant", "") + "/.well-known/oauth-protected-resource"
        assert url == expected_url + issuer.removeprefix("https://api.test") + path
        response = _get(provider, url)
        assert response.status_code == 200
        assert response.json() == {
            # §3.3: the resource value is identical to the identifier the path was built from.
            "resource": issuer + path,
            "authorization_servers": [issuer],
            "bearer_methods_supported": ["header"],
            "scopes_supported": scopes if name == "me" else ["orders:read"],
        }


def test_rfc9728_5_1_challenge_names_the_metadata_url() -> None:
    provider = MockProvider("https://api.test/tenant", clock=ManualClock(NOW))
    challenge = _get(provider, provider.me_url).headers["www-authenticate"]
    metadata = provider.resource_metadata_url("me")
    assert challenge == f'Bearer realm="mock-oauth", resource_metadata="{metadata}"'
    # What a client such as the MCP SDK then does: follow it to the authorization server.
    doc = _get(provider, metadata).json()
    server = _get(provider, provider.metadata_url).json()
    assert server["issuer"] == doc["authorization_servers"][0]


@pytest.mark.parametrize(
    ("endpoint", "url"),
    [
        pytest.param("openid_configuration", "openid_configuration_url", id="oidc"),
        pytest.param("metadata", "metadata_url", id="rfc8414"),
        pytest.param("authorize", "authorization_url", id="authorize"),
    ],
)
def test_discovery_endpoints_are_faultable(endpoint: str, url: str) -> None:
    provider = MockProvider(clock=ManualClock(NOW))
    provider.add_fault(endpoint, status=503, times=1)
    assert _get(provider, getattr(provider, url)).status_code == 503
    assert _get(provider, getattr(provider, url)).status_code != 503
    assert provider.requests[0].endpoint == endpoint


def test_resource_metadata_is_faultable() -> None:
    provider = MockProvider(clock=ManualClock(NOW))
    provider.add_fault("resource_metadata", status=500, times=1)
    assert _get(provider, provider.resource_metadata_url()).status_code == 500
    assert _get(provider, provider.resource_metadata_url()).status_code == 200


def test_discovery_documents_refuse_other_methods() -> None:
    provider = MockProvider(clock=ManualClock(NOW))
    with httpx.Client(transport=provider.transport()) as http:
        for url in (provider.openid_configuration_url, provider.resource_metadata_url()):
            response = http.post(url)
            assert (response.status_code, response.headers["allow"]) == (405, "GET, HEAD")
