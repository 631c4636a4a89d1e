"""RFC 7662: token introspection."""

from __future__ import annotations

import httpx
import pytest

from mock_provider import MockProvider

from .conftest import (
    AUTH_FAILED_DESCRIPTION,
    AUTH_REQUIRED_DESCRIPTION,
    BASIC_CHALLENGE,
    CLIENT_ID,
    NO_STORE_JSON,
    NOW,
    basic,
    error_headers,
    fetch_token,
    headers_of,
)

AUTH = {"Authorization": basic()}


def test_rfc7662_2_2_active_token_fields(http: httpx.Client, provider: MockProvider) -> None:
    token = fetch_token(http, scope="read")
    response = http.post("/oauth/introspect", data={"token": token}, headers=AUTH)
    assert response.status_code == 200
    assert headers_of(response) == NO_STORE_JSON
    (issued,) = provider.tokens
    assert response.json() == {
        "active": True,
        "scope": "read",
        "client_id": CLIENT_ID,
        "token_type": "Bearer",
        "exp": NOW + 3600,
        "iat": NOW,
        "sub": CLIENT_ID,
        "aud": provider.url,
        "iss": provider.url,
        "jti": issued.jti,
    }


def test_rfc7662_2_2_audience_list(http: httpx.Client) -> None:
    token = fetch_token(http, resource="https://a.test/")
    answer = http.post("/oauth/introspect", data={"token": token}, headers=AUTH).json()
    assert answer["aud"] == "https://a.test/"


def test_rfc7662_2_2_several_audiences_are_a_list(http: httpx.Client) -> None:
    response = http.post(
        "/oauth/token",
        content="grant_type=client_credentials&resource=https%3A%2F%2Fa.test%2F"
        "&resource=https%3A%2F%2Fb.test%2F",
        headers={"Content-Type": "application/x-www-form-urlencoded", **AUTH},
    )
    token = response.json()["access_token"]
    answer = http.post("/oauth/introspect", data={"token": token}, headers=AUTH).json()
    assert answer["aud"] == ["https://a.test/", "https://b.test/"]


def _inactive_unknown(http: httpx.Client, provider: MockProvider) -> str:
    return "never-issued"


def _inactive_expired(http: httpx.Client, provider: MockProvider) -> str:
    token = fetch_token(http)
    provider.clock.advance(3600)  # type: ignore[attr-defined]
    return token


def _inactive_revoked(http: httpx.Client, provider: MockProvider) -> str:
    token = fetch_token(http)
    provider.revoke(token)
    return token


def _inactive_expired_by_api(http: httpx.Client, provider: MockProvider) -> str:
    token = fetch_token(http)
    provider.expire(token)
    return token


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(_inactive_unknown, id="unknown"),
        pytest.param(_inactive_expired, id="expired_at_exp"),
        pytest.param(_inactive_revoked, id="revoked"),
        pytest.param(_inactive_expired_by_api, id="expired_by_provider_expire"),
    ],
)
def test_rfc7662_2_2_inactive_token_is_exactly_active_false(
    http: httpx.Client, provider: MockProvider, make: object
) -> None:
    token = make(http, provider)  # type: ignore[operator]
    response = http.post("/oauth/introspect", data={"token": token}, headers=AUTH)
    # §2.2: "If the introspection call is properly authorized but the token is not active
    # ... the authorization server MUST return an introspection response with the active
    # field set to false" and "SHOULD NOT include any additional information".
    assert response.status_code == 200
    assert headers_of(response) == NO_STORE_JSON
    assert response.json() == {"active": False}


def test_rfc7662_2_2_token_is_active_one_second_before_exp(
    http: httpx.Client, provider: MockProvider
) -> None:
    token = fetch_token(http)
    provider.clock.advance(3599)  # type: ignore[attr-defined]
    answer = http.post("/oauth/introspect", data={"token": token}, headers=AUTH).json()
    assert answer["active"] is True


@pytest.mark.parametrize(
    ("headers", "description"),
    [
        pytest.param(
            {},
            AUTH_REQUIRED_DESCRIPTION,
            id="no_credentials",
        ),
        pytest.param(
            {"Authorization": basic(CLIENT_ID, "wrong")},
            AUTH_FAILED_DESCRIPTION,
            id="wrong_secret",
        ),
    ],
)
def test_rfc7662_2_1_authorization_is_required(
    http: httpx.Client, headers: dict[str, str], description: str
) -> None:
    # §2.1: "the endpoint MUST also require some form of authorization to access this
    # endpoint"; a refused caller learns nothing about the token.
    token = fetch_token(http)
    response = http.post("/oauth/introspect", data={"token": token}, headers=headers)
    assert response.status_code == 401
    assert headers_of(response) == error_headers(BASIC_CHALLENGE)
    assert response.json() == {"error": "invalid_client", "error_description": description}


def test_rfc7662_2_1_token_is_required(http: httpx.Client) -> None:
    response = http.post("/oauth/introspect", data={"token_type_hint": "x"}, headers=AUTH)
    assert response.status_code == 400
    assert headers_of(response) == error_headers()
    assert response.json() == {
        "error": "invalid_request",
        "error_description": "missing token parameter",
    }


def test_rfc7662_2_1_introspection_requires_post(http: httpx.Client) -> None:
    response = http.get("/oauth/introspect", params={"token": "x"}, headers=AUTH)
    assert response.status_code == 405
    assert headers_of(response) == {**error_headers(), "allow": "POST"}


def test_rfc7662_2_2_scope_omitted_when_token_has_none(
    http: httpx.Client, provider: MockProvider
) -> None:
    provider.add_client("scopeless", "scopeless-secret")
    token = http.post(
        "/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=("scopeless", "scopeless-secret"),
    ).json()["access_token"]
    answer = http.post("/oauth/introspect", data={"token": token}, headers=AUTH).json()
    assert answer["active"] is True
    assert "scope" not in answer
