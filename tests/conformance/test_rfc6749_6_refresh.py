"""RFC 6749 §6 (and §1.5): refresh tokens in the client-credentials flow, when a client is
registered with ``refresh_tokens=True`` (off by default: §4.4.3 says a refresh token SHOULD
NOT be included)."""

from __future__ import annotations

import httpx
import pytest

from mock_provider import MockProvider

from .conftest import CLIENT_ID, CLIENT_SECRET, basic

GRANT = {"grant_type": "client_credentials"}


@pytest.fixture
def provider() -> MockProvider:
    provider = MockProvider()
    provider.add_client(CLIENT_ID, CLIENT_SECRET, scopes=("read", "write"), refresh_tokens=True)
    return provider


def _token(http: httpx.Client, **form: str) -> dict[str, object]:
    response = http.post("/oauth/token", data={**GRANT, **form}, headers={"Authorization": basic()})
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


def _refresh(http: httpx.Client, refresh_token: str, **form: str) -> httpx.Response:
    data = {"grant_type": "refresh_token", "refresh_token": refresh_token, **form}
    return http.post("/oauth/token", data=data, headers={"Authorization": basic()})


def _works(http: httpx.Client, access_token: object) -> bool:
    return http.get("/api/me", headers={"Authorization": f"Bearer {access_token}"}).is_success


def test_rfc6749_4_4_3_no_refresh_token_unless_the_client_is_set_to(http: httpx.Client) -> None:
    provider = MockProvider()
    provider.add_client("plain", "plain-secret-0123")
    with httpx.Client(transport=provider.transport(), base_url=provider.url) as plain:
        body = plain.post("/oauth/token", data=GRANT, auth=("plain", "plain-secret-0123")).json()
        assert "refresh_token" not in body
        refused = plain.post(
            "/oauth/token",
            data={"grant_type": "refresh_token", "refresh_token": "x"},
            auth=("plain", "plain-secret-0123"),
        )
    # §5.2 unauthorized_client: "not authorized to use this authorization grant type".
    assert (refused.status_code, refused.json()["error"]) == (400, "unauthorized_client")


def test_rfc6749_5_1_the_answer_carries_a_refresh_token(
    http: httpx.Client, provider: MockProvider
) -> None:
    body = _token(http, scope="read")
    assert isinstance(body["refresh_token"], str)
    assert body["refresh_token"]
    assert body["refresh_token"] != body["access_token"]
    (record,) = provider.refresh_tokens
    assert record.scopes == ("read",)
    assert str(body["refresh_token"]) not in repr(record)


def test_rfc6749_6_the_refresh_grant_issues_a_working_access_token(
    http: httpx.Client, provider: MockProvider
) -> None:
    first = _token(http, scope="read write")
    answer = _refresh(http, str(first["refresh_token"]))
    assert answer.status_code == 200
    body = answer.json()
    assert body["access_token"] != first["access_token"]
    # §6: a scope "if omitted is treated as equal to the scope originally granted".
    assert body["scope"] == "read write"
    assert "refresh_token" not in body  # no rotation: the client keeps its refresh token
    assert _works(http, body["access_token"])
    # ...and may use it again.
    assert _refresh(http, str(first["refresh_token"])).status_code == 200
    recorded = provider.token_requests[-1]
    assert recorded.form["refresh_token"].startswith("fp:")


def test_rfc6749_6_a_narrower_scope_may_be_asked_for(http: httpx.Client) -> None:
    first = _token(http, scope="read write")
    assert _refresh(http, str(first["refresh_token"]), scope="read").json()["scope"] == "read"


def test_rfc6749_6_scope_beyond_the_original_grant_is_invalid_scope(http: httpx.Client) -> None:
    first = _token(http, scope="read")
    refused = _refresh(http, str(first["refresh_token"]), scope="read write")
    assert refused.status_code == 400
    assert refused.json() == {
        "error": "invalid_scope",
        "error_description": "scope write was not granted with this refresh token; ask for at "
        "most read (RFC 6749 section 6)",
    }


def test_rfc6749_6_the_client_must_authenticate(http: httpx.Client) -> None:
    first = _token(http)
    refused = http.post(
        "/oauth/token",
        data={"grant_type": "refresh_token", "refresh_token": str(first["refresh_token"])},
    )
    assert (refused.status_code, refused.json()["error"]) == (401, "invalid_client")


def test_rfc6749_6_another_clients_refresh_token_is_invalid_grant(
    http: httpx.Client, provider: MockProvider
) -> None:
    provider.add_client("other", "other-secret-0123", refresh_tokens=True)
    first = _token(http)
    refused = http.post(
        "/oauth/token",
        data={"grant_type": "refresh_token", "refresh_token": str(first["refresh_token"])},
        auth=("other", "other-secret-0123"),
    )
    assert (refused.status_code, refused.json()["error"]) == (400, "invalid_grant")


@pytest.mark.parametrize("value", ["unknown-refresh-token", ""])
def test_rfc6749_6_an_unknown_or_missing_refresh_token_is_refused(
    http: httpx.Client, value: str
) -> None:
    refused = _refresh(http, value)
    assert refused.status_code == 400
    # §3.1: a parameter sent without a value is omitted: refresh_token is then missing.
    expected = "invalid_grant" if value else "invalid_request"
    assert refused.json()["error"] == expected


def test_rfc6749_6_an_expired_refresh_token_is_invalid_grant(
    http: httpx.Client, provider: MockProvider
) -> None:
    provider.add_client(CLIENT_ID, CLIENT_SECRET, refresh_tokens=True, refresh_token_expires_in=600)
    first = _token(http)
    provider.clock.advance(599)  # type: ignore[attr-defined]
    assert _refresh(http, str(first["refresh_token"])).status_code == 200
    provider.clock.advance(1)  # type: ignore[attr-defined]
    refused = _refresh(http, str(first["refresh_token"]))
    assert refused.json() == {
        "error": "invalid_grant",
        "error_description": "the refresh token is unknown, expired, revoked or not this client's",
    }


def test_rfc6749_6_rotation_issues_a_new_refresh_token_and_retires_the_old(
    http: httpx.Client, provider: MockProvider
) -> None:
    provider.add_client(CLIENT_ID, CLIENT_SECRET, refresh_tokens=True, rotate_refresh_tokens=True)
    first = _token(http)
    rotated = _refresh(http, str(first["refresh_token"])).json()
    assert rotated["refresh_token"] != first["refresh_token"]
    # §6: the client "MUST discard the old refresh token"; the server revoked it.
    assert _refresh(http, str(first["refresh_token"])).json()["error"] == "invalid_grant"
    again = _refresh(http, str(rotated["refresh_token"]))
    assert again.status_code == 200
    assert _works(http, again.json()["access_token"])


def test_rfc7009_2_1_a_revoked_refresh_token_is_invalid_grant(http: httpx.Client) -> None:
    first = _token(http)
    revoked = http.post(
        "/oauth/revoke",
        data={"token": str(first["refresh_token"]), "token_type_hint": "refresh_token"},
        headers={"Authorization": basic()},
    )
    assert revoked.status_code == 200
    assert _refresh(http, str(first["refresh_token"])).json()["error"] == "invalid_grant"
    # §2.1: "SHOULD also invalidate all access tokens based on the same authorization grant".
    assert not _works(http, first["access_token"])


def test_rfc7009_2_1_revoking_a_rotated_refresh_token_ends_the_whole_grant(
    http: httpx.Client, provider: MockProvider
) -> None:
    provider.add_client(CLIENT_ID, CLIENT_SECRET, refresh_tokens=True, rotate_refresh_tokens=True)
    other = _token(http)
    first = _token(http)
    rotated = _refresh(http, str(first["refresh_token"])).json()
    http.post(
        "/oauth/revoke",
        data={"token": str(rotated["refresh_token"])},
        headers={"Authorization": basic()},
    )
    assert not _works(http, first["access_token"])
    assert not _works(http, rotated["access_token"])
    assert _works(http, other["access_token"])  # another grant stays


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            {"rotate_refresh_tokens": True},
            "rotation and lifetime of refresh tokens need refresh_tokens=True",
        ),
        (
            {"refresh_tokens": True, "refresh_token_expires_in": 0},
            "refresh_token_expires_in must be > 0, got 0",
        ),
    ],
)
def test_refresh_options_that_cannot_work_are_refused(
    options: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError) as excinfo:
        MockProvider().add_client("c", "s", **options)
    assert str(excinfo.value) == message
