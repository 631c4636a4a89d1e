"""RFC 7009: token revocation."""

from __future__ import annotations

import httpx
import pytest

from mock_provider import MockProvider

from .conftest import (
    AUTH_FAILED_DESCRIPTION,
    AUTH_REQUIRED_DESCRIPTION,
    BASIC_CHALLENGE,
    CLIENT_ID,
    CLIENT_SECRET,
    NOW,
    basic,
    error_headers,
    fetch_token,
    headers_of,
)

AUTH = {"Authorization": basic()}


def _active(http: httpx.Client, token: str) -> bool:
    answer = http.post("/oauth/introspect", data={"token": token}, headers=AUTH).json()
    return bool(answer["active"])


def test_rfc7009_2_2_revocation_succeeds_with_200(
    http: httpx.Client, provider: MockProvider
) -> None:
    token = fetch_token(http)
    response = http.post("/oauth/revoke", data={"token": token}, headers=AUTH)
    # §2.2: "The authorization server responds with HTTP status code 200 if the token has
    # been revoked successfully"; "The content of the response body is ignored by the client".
    assert response.status_code == 200
    assert dict(response.headers) == {"cache-control": "no-store", "content-length": "0"}
    assert response.content == b""
    assert provider.tokens[0].revoked


def test_rfc7009_2_1_revoked_token_is_inactive_everywhere(http: httpx.Client) -> None:
    token = fetch_token(http)
    http.post(
        "/oauth/revoke", data={"token": token, "token_type_hint": "access_token"}, headers=AUTH
    )
    assert not _active(http, token)
    me = http.get("/api/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 401
    assert me.headers["www-authenticate"] == (
        'Bearer realm="mock-oauth", error="invalid_token", '
        'error_description="the access token was revoked", '
        'resource_metadata="https://mock-oauth.test/.well-known/oauth-protected-resource/api/me"'
    )


def test_rfc7009_2_1_client_secret_post_authentication(http: httpx.Client) -> None:
    token = fetch_token(http)
    response = http.post(
        "/oauth/revoke",
        data={"token": token, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET},
    )
    assert response.status_code == 200
    assert not _active(http, token)


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("never-issued", id="unknown"),
        pytest.param("x" * 5000, id="very_long"),
    ],
)
def test_rfc7009_2_2_unknown_token_answers_200(http: httpx.Client, value: str) -> None:
    # §2.2: "invalid tokens do not cause an error response since the client cannot handle
    # such an error in a reasonable way".
    response = http.post("/oauth/revoke", data={"token": value}, headers=AUTH)
    assert response.status_code == 200


def test_rfc7009_2_2_revoking_twice_answers_200(http: httpx.Client) -> None:
    token = fetch_token(http)
    assert http.post("/oauth/revoke", data={"token": token}, headers=AUTH).status_code == 200
    assert http.post("/oauth/revoke", data={"token": token}, headers=AUTH).status_code == 200


def test_rfc7009_2_2_expired_token_answers_200(http: httpx.Client, provider: MockProvider) -> None:
    token = fetch_token(http)
    provider.clock.advance(3600)  # type: ignore[attr-defined]
    assert http.post("/oauth/revoke", data={"token": token}, headers=AUTH).status_code == 200


def test_rfc7009_2_1_token_type_hint_does_not_change_the_outcome(http: httpx.Client) -> None:
    # §2.1: if the token is not found with the hint, the server "MUST extend its search
    # across all of its supported token types".
    token = fetch_token(http)
    data = {"token": token, "token_type_hint": "refresh_token"}
    assert http.post("/oauth/revoke", data=data, headers=AUTH).status_code == 200
    assert not _active(http, token)


def test_rfc7009_2_1_token_is_required(http: httpx.Client) -> None:
    response = http.post("/oauth/revoke", data={"token_type_hint": "access_token"}, headers=AUTH)
    assert response.status_code == 400
    assert headers_of(response) == error_headers()
    assert response.json() == {
        "error": "invalid_request",
        "error_description": "missing token parameter",
    }


@pytest.mark.parametrize(
    ("headers", "form", "description"),
    [
        pytest.param(
            {},
            {},
            AUTH_REQUIRED_DESCRIPTION,
            id="no_credentials",
        ),
        pytest.param(
            {"Authorization": basic(CLIENT_ID, "wrong")},
            {},
            AUTH_FAILED_DESCRIPTION,
            id="wrong_secret",
        ),
        pytest.param(
            {},
            {"client_id": "nobody", "client_secret": "x"},
            AUTH_FAILED_DESCRIPTION,
            id="unknown_client",
        ),
    ],
)
def test_rfc7009_2_1_client_authentication_is_required(
    http: httpx.Client,
    provider: MockProvider,
    headers: dict[str, str],
    form: dict[str, str],
    description: str,
) -> None:
    # §2.1: "The authorization server first validates the client credentials".
    token = fetch_token(http)
    response = http.post("/oauth/revoke", data={"token": token, **form}, headers=headers)
    assert response.status_code == 401
    assert headers_of(response) == error_headers(BASIC_CHALLENGE)
    assert response.json() == {"error": "invalid_client", "error_description": description}
    assert _active(http, token)


def test_rfc7009_2_1_other_clients_token_is_not_revoked(
    http: httpx.Client, provider: MockProvider
) -> None:
    provider.add_client("other", "other-secret")
    token = fetch_token(http)
    response = http.post("/oauth/revoke", data={"token": token}, auth=("other", "other-secret"))
    # §2.1: the server "verifies whether the token was issued to the client making the
    # revocation request. If this validation fails, the request is refused and the client
    # is informed of the error" (our choice of code: unauthorized_client).
    assert response.status_code == 400
    assert headers_of(response) == error_headers()
    assert response.json() == {
        "error": "unauthorized_client",
        "error_description": "the token was not issued to this client, so this client may not "
        "revoke it",
    }
    assert _active(http, token)


def test_rfc7009_2_1_revocation_requires_post(http: httpx.Client) -> None:
    token = fetch_token(http)
    response = http.get("/oauth/revoke", params={"token": token}, headers=AUTH)
    assert response.status_code == 405
    assert headers_of(response) == {**error_headers(), "allow": "POST"}
    assert _active(http, token)


def test_rfc7009_2_1_revocation_is_at_the_provider_clock(
    http: httpx.Client, provider: MockProvider
) -> None:
    token = fetch_token(http)
    http.post("/oauth/revoke", data={"token": token}, headers=AUTH)
    assert provider.requests[-1].time == NOW
