"""Where the client puts the token: ``Authorization: Bearer`` by default, or the API's own
header, prefix or query parameter (RFC 6750 §2.1, §2.3) - with the same host and TLS rules."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from mock_provider import MockProvider, fingerprint
from pytest_oauthcc import ClientConfigurationError, ClientCredentials, DisallowedHostError

PLACEMENTS = [
    pytest.param({}, id="authorization-bearer"),
    pytest.param({"token_prefix": "Zoho-oauthtoken "}, id="another-prefix"),
    pytest.param({"token_header": "X-Auth-Token", "token_prefix": ""}, id="custom-header"),
    pytest.param({"token_header": "X-Access-Token", "token_prefix": ""}, id="x-access-token"),
    pytest.param({"token_query": "access_token"}, id="rfc6750_2_3-query"),
]


def _setup(options: dict[str, Any], **client: Any) -> tuple[MockProvider, ClientCredentials]:
    provider = MockProvider()
    provider.add_client("app", "app-secret-0123")
    provider.add_resource("orders", "/api/orders", body={"orders": [1]}, **options)
    cc = ClientCredentials(provider.token_url, "app", "app-secret-0123", **options, **client)
    return provider, cc


@pytest.mark.parametrize("options", PLACEMENTS)
def test_the_token_goes_where_the_api_takes_it(options: dict[str, Any]) -> None:
    provider, cc = _setup(options)
    with httpx.Client(transport=provider.transport(), auth=cc) as http:
        response = http.get(provider.resource_url("orders"))
    assert (response.status_code, response.json()) == (200, {"orders": [1]})
    sent = response.request
    if "token_query" in options:
        assert "authorization" not in sent.headers
    else:
        header = options.get("token_header", "Authorization")
        assert sent.headers[header] == options.get("token_prefix", "Bearer ") + cc.fetch_token(http)


@pytest.mark.parametrize("options", PLACEMENTS)
def test_an_expired_token_is_renewed_in_any_placement(options: dict[str, Any]) -> None:
    provider, cc = _setup(options)
    with httpx.Client(transport=provider.transport(), auth=cc) as http:
        http.get(provider.resource_url("orders"))
        provider.revoke_all()  # the API now answers 401 invalid_token (RFC 6750 §3.1)
        response = http.get(provider.resource_url("orders"))
    assert response.status_code == 200
    assert provider.count_token_requests() == 2


@pytest.mark.parametrize("options", PLACEMENTS)
def test_host_rules_apply_to_every_placement(options: dict[str, Any]) -> None:
    provider, cc = _setup(options, allowed_hosts=["api.example.com"])
    with (
        httpx.Client(transport=provider.transport(), auth=cc) as http,
        pytest.raises(DisallowedHostError, match="is not in allowed_hosts"),
    ):
        http.get(provider.resource_url("orders"))
    assert provider.count_token_requests() == 0


@pytest.mark.parametrize("options", PLACEMENTS)
def test_rfc6750_5_3_tls_applies_to_every_placement(options: dict[str, Any]) -> None:
    provider, cc = _setup(options)
    with (
        httpx.Client(transport=provider.transport(), auth=cc) as http,
        pytest.raises(DisallowedHostError, match=r"RFC 6750 §5\.3"),
    ):
        http.get("http://api.example.com/api/orders")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"token_header": "X Auth"}, "token_header must be an HTTP field name, got 'X Auth'"),
        ({"token_prefix": "a\nb"}, "token_prefix must be printable ASCII, got 'a\\nb'"),
        ({"token_query": ""}, "token_query must be a query parameter name, got ''"),
        (
            {"token_query": "t", "token_prefix": ""},
            "token_query replaces the header: give no token_header/token_prefix",
        ),
    ],
)
def test_a_placement_that_cannot_work_is_refused(options: dict[str, Any], message: str) -> None:
    with pytest.raises(ClientConfigurationError) as excinfo:
        ClientCredentials("https://auth.example.com/token", "app", "secret", **options)
    assert str(excinfo.value) == message


@pytest.mark.parametrize("options", PLACEMENTS)
def test_the_token_goes_where_the_api_takes_it_on_httpx2(options: dict[str, Any]) -> None:
    httpx2 = pytest.importorskip("httpx2")
    from mock_provider.transport.httpx2 import ProviderTransport

    provider, cc = _setup(options)
    with httpx2.Client(transport=ProviderTransport(provider), auth=cc) as http:
        response = http.get(provider.resource_url("orders"))
        provider.revoke_all()  # the 401 recovery re-attaches a new token in the same place
        renewed = http.get(provider.resource_url("orders"))
    assert (response.status_code, response.json()) == (200, {"orders": [1]})
    assert renewed.status_code == 200
    assert provider.count_token_requests() == 2
    sent = renewed.request
    if "token_query" in options:
        assert "authorization" not in sent.headers
        token = sent.url.params["access_token"]
    else:
        header = options.get("token_header", "Authorization")
        prefix = options.get("token_prefix", "Bearer ")
        assert sent.headers[header].startswith(prefix)
        token = sent.headers[header][len(prefix) :]
    assert provider.requests[-1].token == fingerprint(token)  # the renewed token, recorded
