"""Recording helpers, and proof that no secret reaches any recorded surface."""

from __future__ import annotations

import json

import httpx
import pytest

from mock_provider import MockProvider, fingerprint

from .conftest import CLIENT_ID, CLIENT_SECRET, OTHER_ID, OTHER_SECRET, Reach


def test_count_and_last_token_request(reach: Reach, provider: MockProvider) -> None:
    reach.token(data={"scope": "read"})
    reach.token(data={"scope": "read write"})
    reach.request(
        "POST",
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": OTHER_ID,
            "client_secret": OTHER_SECRET,
        },
    )
    assert provider.count_token_requests() == 3
    assert provider.count_token_requests(client_id=CLIENT_ID) == 2
    assert provider.count_token_requests(scope="write") == 1
    assert provider.count_token_requests(client_id=OTHER_ID, scope="read") == 0
    last = provider.last_token_request()
    assert last.auth_method == "client_secret_post"
    assert last.form == {
        "grant_type": "client_credentials",
        "client_id": OTHER_ID,
        "client_secret": "<redacted>",
    }


def test_requests_with_token(reach: Reach, provider: MockProvider) -> None:
    token = reach.token().json()["access_token"]
    other = reach.token().json()["access_token"]
    reach.me(token)
    reach.me(other)
    reach.me(token)
    carried = provider.requests_with_token(token)
    assert [r.endpoint for r in carried] == ["me", "me"]
    assert all(r.token == fingerprint(token) for r in carried)


def test_assert_token_requests_lists_what_was_received(provider: MockProvider) -> None:
    with httpx.Client(transport=provider.transport(), base_url=provider.url) as http:
        http.post(
            "/oauth/token",
            auth=(CLIENT_ID, CLIENT_SECRET),
            data={"grant_type": "client_credentials"},
        )
        http.get("/api/me")
    provider.assert_token_requests(1, client_id=CLIENT_ID)
    with pytest.raises(AssertionError) as caught:
        provider.assert_token_requests(2, client_id=CLIENT_ID)
    assert str(caught.value) == (
        "expected 2 request(s) matching endpoint='token', client_id='fault-client' but 1 "
        "matched; requests received:\n"
        "  POST /oauth/token -> 200 [token] client_id=fault-client\n"
        "  GET /api/me -> 401 [me]"
    )


def test_last_token_request_without_any(provider: MockProvider) -> None:
    with pytest.raises(AssertionError, match="no token request was received; requests received:"):
        provider.last_token_request()


def test_unknown_filter_is_a_type_error(provider: MockProvider) -> None:
    with pytest.raises(TypeError, match="unknown request filter\\(s\\) clientid; valid filters"):
        provider.find_requests(clientid=CLIENT_ID)


def test_no_secret_in_any_recorded_surface(reach: Reach, provider: MockProvider) -> None:
    provider.enable_control(token="control-token-s3cr3t")
    token = reach.token().json()["access_token"]
    reach.me(token)
    reach.request("POST", "/oauth/revoke", auth=(CLIENT_ID, CLIENT_SECRET), data={"token": token})
    reach.request(
        "POST",
        "/oauth/introspect",
        data={"token": token, "client_id": OTHER_ID, "client_secret": OTHER_SECRET},
    )
    provider.add_fault("token", status=503)
    reach.token()
    listed = reach.request(
        "GET", "/_mock/requests", headers={"Authorization": "Bearer control-token-s3cr3t"}
    )
    assert listed.status_code == 200
    messages = []
    for call in (
        lambda: provider.assert_token_requests(0),
        lambda: provider.assert_requests(9, token=token),
    ):
        with pytest.raises(AssertionError) as caught:
            call()
        messages.append(str(caught.value))
    surfaces = [
        listed.text,
        json.dumps([r.to_json() for r in provider.requests]),
        "\n".join(map(str, provider.requests)),
        repr(provider.requests),
        repr(provider),
        repr(provider.control),
        *messages,
    ]
    secrets = (CLIENT_SECRET, OTHER_SECRET, token, "control-token-s3cr3t")
    for surface in surfaces:
        for secret in secrets:
            assert secret not in surface
    assert len(provider.requests) == 5  # control requests are not recorded


def test_a_faulted_request_is_recorded_with_what_it_carried(
    reach: Reach, provider: MockProvider
) -> None:
    token = reach.token().json()["access_token"]
    provider.add_fault("token", status=503)
    provider.add_fault("revoke", drop=True)
    provider.add_fault("me", error="invalid_token")
    form = {"scope": "read", "client_id": OTHER_ID, "client_secret": OTHER_SECRET}
    reach.request("POST", "/oauth/token", data={"grant_type": "client_credentials", **form})
    with pytest.raises(httpx.ReadError):
        reach.request(
            "POST", "/oauth/revoke", auth=(CLIENT_ID, CLIENT_SECRET), data={"token": token}
        )
    reach.me(token)
    faulted = provider.requests[1:]
    assert [(r.endpoint, r.status, r.fault) for r in faulted] == [
        ("token", 503, 1),
        ("revoke", 0, 2),
        ("me", 401, 3),
    ]
    assert faulted[0].form == {
        "grant_type": "client_credentials",
        "scope": "read",
        "client_id": OTHER_ID,
        "client_secret": "<redacted>",
    }
    assert (faulted[0].client_id, faulted[0].auth_method) == (OTHER_ID, "client_secret_post")
    assert (faulted[1].client_id, faulted[1].auth_method) == (CLIENT_ID, "client_secret_basic")
    assert faulted[1].form == {"token": fingerprint(token)}
    assert (faulted[2].client_id, faulted[2].token) == (CLIENT_ID, fingerprint(token))
    shown = json.dumps([r.to_json() for r in faulted]) + "\n".join(map(str, faulted))
    for secret in (OTHER_SECRET, CLIENT_SECRET, token):
        assert secret not in shown
