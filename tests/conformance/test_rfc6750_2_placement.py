"""RFC 6750 §2: a resource takes the token where it is configured to, and refuses it elsewhere.

§2.1 (``Authorization: Bearer``) is the default; APIs that use another prefix or header,
or §2.3's query parameter, are modelled by ``add_resource(token_header=..., token_prefix=...,
token_query=...)``.
"""

from __future__ import annotations

import httpx
import pytest

from mock_provider import MockProvider
from mock_provider.protocol import TokenPlacement, token_placement
from mock_provider.protocol.rfc6750 import BEARER_HEADER

from .conftest import fetch_token

REALM = 'realm="mock-oauth"'


@pytest.mark.parametrize(
    ("options", "send"),
    [
        pytest.param(
            {"token_prefix": "Zoho-oauthtoken "},
            lambda t: {"headers": {"Authorization": f"Zoho-oauthtoken {t}"}},
            id="authorization-with-another-prefix",
        ),
        pytest.param(
            {"token_header": "X-Auth-Token", "token_prefix": ""},
            lambda t: {"headers": {"X-Auth-Token": t}},
            id="custom-header-without-prefix",
        ),
        pytest.param(
            {"token_prefix": "token "},
            lambda t: {"headers": {"Authorization": f"TOKEN {t}"}},
            id="prefix-compared-like-a-scheme",
        ),
        pytest.param(
            {"token_query": "access_token"},
            lambda t: {"params": {"access_token": t}},
            id="rfc6750_2_3-query-parameter",
        ),
    ],
)
def test_rfc6750_2_the_configured_placement_is_accepted(
    http: httpx.Client, provider: MockProvider, options: dict[str, str], send: object
) -> None:
    provider.add_resource("orders", "/api/orders", body={"orders": []}, **options)
    token = fetch_token(http)
    response = http.get("/api/orders", **send(token))  # type: ignore[operator]
    assert (response.status_code, response.json()) == (200, {"orders": []})
    assert provider.requests[-1].token == provider.tokens[-1].fingerprint


@pytest.mark.parametrize(
    ("options", "description"),
    [
        pytest.param(
            {"token_header": "X-Auth-Token", "token_prefix": ""},
            "this resource takes 'X-Auth-Token: <access token>'",
            id="custom-header",
        ),
        pytest.param(
            {"token_prefix": "Zoho-oauthtoken "},
            "this resource takes 'Authorization: Zoho-oauthtoken <access token>'",
            id="another-prefix",
        ),
        pytest.param(
            {"token_query": "access_token"},
            "this resource takes the query parameter access_token=<access token>",
            id="query",
        ),
    ],
)
def test_rfc6750_3_1_a_bearer_header_where_another_placement_is_expected_gets_the_challenge(
    http: httpx.Client, provider: MockProvider, options: dict[str, str], description: str
) -> None:
    provider.add_resource("orders", "/api/orders", **options)
    token = fetch_token(http)
    response = http.get("/api/orders", headers={"Authorization": f"Bearer {token}"})
    # §3.1: a request without credentials where they are expected gets the bare challenge.
    assert response.status_code == 401
    # RFC 9728 §5.1: the challenge names the resource's metadata.
    metadata = provider.resource_metadata_url("orders")
    assert response.headers["www-authenticate"] == (
        f'Bearer {REALM}, resource_metadata="{metadata}"'
    )
    assert response.json()["error_description"] == description


def test_rfc6750_2_3_query_token_plus_header_is_more_than_one_method(
    http: httpx.Client, provider: MockProvider
) -> None:
    provider.add_resource("orders", "/api/orders", token_query="access_token")
    token = fetch_token(http)
    response = http.get(
        "/api/orders",
        params={"access_token": token},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


def test_rfc6750_2_the_default_resource_refuses_a_custom_header(
    http: httpx.Client, provider: MockProvider
) -> None:
    token = fetch_token(http)
    response = http.get("/api/me", headers={"X-Auth-Token": token})
    assert response.status_code == 401
    metadata = provider.resource_metadata_url("me")
    assert response.headers["www-authenticate"] == (
        f'Bearer {REALM}, resource_metadata="{metadata}"'
    )


def test_a_custom_token_header_or_parameter_is_never_recorded(
    http: httpx.Client, provider: MockProvider
) -> None:
    provider.add_resource("a", "/api/a", token_header="X-Api-Auth", token_prefix="")
    provider.add_resource("b", "/api/b", token_query="auth")
    token = fetch_token(http)
    http.get("/api/a", headers={"X-Api-Auth": token})
    http.get("/api/b", params={"auth": token})
    http.get("/api/me", headers={"X-Access-Token": token})
    recorded = repr(provider.requests)
    assert token not in recorded
    a, b, me = provider.requests[-3:]
    assert a.headers["x-api-auth"] == provider.tokens[-1].fingerprint
    assert b.query["auth"] == provider.tokens[-1].fingerprint
    assert me.headers["x-access-token"] == provider.tokens[-1].fingerprint


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"token_header": "X Auth"}, "token_header must be an HTTP field name, got 'X Auth'"),
        (
            {"token_prefix": "Bearer\r\n"},
            "token_prefix must be printable ASCII, got 'Bearer\\r\\n'",
        ),
        ({"token_query": ""}, "token_query must be a query parameter name, got ''"),
        (
            {"token_query": "t", "token_header": "X-T"},
            "token_query replaces the header: give no token_header/token_prefix",
        ),
    ],
)
def test_a_placement_that_cannot_work_is_refused(options: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError) as excinfo:
        MockProvider().add_resource("x", "/x", **options)
    assert str(excinfo.value) == message


def test_the_bearer_header_is_one_placement() -> None:
    assert token_placement() is BEARER_HEADER
    assert token_placement("Authorization", "Bearer ") is BEARER_HEADER
    assert token_placement() == TokenPlacement()
    assert token_placement(token_prefix="bearer ").is_bearer_header
    assert str(token_placement("X-Auth-Token", "")) == "'X-Auth-Token: <access token>'"
