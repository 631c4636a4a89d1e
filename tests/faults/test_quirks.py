"""Token-response quirks and server-side events, end-to-end in every transport mode."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest

from mock_provider import ManualClock, MockProvider

from .conftest import CLIENT_ID, CLIENT_SECRET, NOW, OTHER_ID, OTHER_SECRET, Reach

ISSUED = {"access_token": ..., "token_type": "Bearer", "expires_in": 3600, "scope": "read write"}


def _shape(body: dict[str, Any]) -> dict[str, Any]:
    return {k: (... if k == "access_token" else v) for k, v in body.items()}


@pytest.mark.parametrize(
    ("quirks", "expected"),
    [
        pytest.param({"expires_in_as": "string"}, {**ISSUED, "expires_in": "3600"}, id="string"),
        pytest.param({"expires_in_as": "float"}, {**ISSUED, "expires_in": 3600.0}, id="float"),
        pytest.param({"expires_in_as": "zero"}, {**ISSUED, "expires_in": 0}, id="zero"),
        pytest.param(
            {"expires_in_as": "missing"},
            {k: v for k, v in ISSUED.items() if k != "expires_in"},
            id="missing",
        ),
        pytest.param({"claimed_expires_in": 86400}, {**ISSUED, "expires_in": 86400}, id="claimed"),
        pytest.param(
            {"claimed_expires_in": 86400, "expires_at": "epoch"},
            {**{k: v for k, v in ISSUED.items() if k != "expires_in"}, "expires_at": NOW + 86400},
            id="claimed_expires_at",
        ),
        pytest.param({"lifetime_ms": True}, {**ISSUED, "expires_in": 3_600_000}, id="ms"),
        pytest.param(
            {"expires_at": "epoch"},
            {**{k: v for k, v in ISSUED.items() if k != "expires_in"}, "expires_at": NOW + 3600},
            id="expires_at_epoch",
        ),
        pytest.param(
            {"expires_at": "epoch_ms"},
            {
                **{k: v for k, v in ISSUED.items() if k != "expires_in"},
                "expires_at": (NOW + 3600) * 1000,
            },
            id="expires_at_epoch_ms",
        ),
        pytest.param(
            {"expires_at": "iso8601"},
            {
                **{k: v for k, v in ISSUED.items() if k != "expires_in"},
                "expires_at": "2023-11-14T23:13:20Z",
            },
            id="expires_at_iso8601",
        ),
        pytest.param({"token_type": "bearer"}, {**ISSUED, "token_type": "bearer"}, id="bearer"),
        pytest.param(
            {"token_type": "missing"},
            {k: v for k, v in ISSUED.items() if k != "token_type"},
            id="token_type_missing",
        ),
        pytest.param({"nest_under": "data"}, {"data": ISSUED}, id="nested"),
        pytest.param(
            {"extra_fields": {"ext_expires_in": 7200, "refresh_in": 1800}},
            {**ISSUED, "ext_expires_in": 7200, "refresh_in": 1800},
            id="extra_fields",
        ),
        pytest.param({"narrow_scope": ["read"]}, {**ISSUED, "scope": "read"}, id="narrow_scope"),
    ],
)
def test_token_response_quirk(
    reach: Reach, provider: MockProvider, quirks: dict[str, Any], expected: dict[str, Any]
) -> None:
    provider.set_quirks(**quirks)
    response = reach.token(data={"scope": "read write"})
    assert response.status_code == 200
    body = response.json()
    shaped = {k: _shape(v) if isinstance(v, dict) else v for k, v in _shape(body).items()}
    assert shaped == expected


def test_narrowed_scope_is_what_the_token_can_do(reach: Reach, provider: MockProvider) -> None:
    provider.set_quirks(narrow_scope=["read"])
    token = reach.token(data={"scope": "read write"}).json()["access_token"]
    assert reach.me(token).json()["scopes"] == ["read"]


def test_form_encoded_response(reach: Reach, provider: MockProvider) -> None:
    provider.set_quirks(form_encoded_response=True)
    response = reach.token()
    assert response.headers["content-type"] == "application/x-www-form-urlencoded"
    body = dict(parse_qsl(response.text))
    assert (body["token_type"], body["expires_in"], body["scope"]) == (
        "Bearer",
        "3600",
        "read write",
    )
    assert reach.me(body["access_token"]).status_code == 200


def test_response_charset(reach: Reach, provider: MockProvider) -> None:
    provider.set_quirks(response_charset=True)
    response = reach.token()
    assert response.headers["content-type"] == "application/json;charset=UTF-8"
    assert response.json()["token_type"] == "Bearer"


def test_strict_parser_rejects_a_request_charset(reach: Reach, provider: MockProvider) -> None:
    provider.set_quirks(reject_request_charset=True)
    headers = {"Content-Type": "application/x-www-form-urlencoded; charset=UTF-8"}
    refused = reach.request(
        "POST",
        "/oauth/token",
        auth=(CLIENT_ID, CLIENT_SECRET),
        content=b"grant_type=client_credentials",
        headers=headers,
    )
    assert refused.status_code == 400
    assert refused.json()["error"] == "invalid_request"
    assert reach.token().status_code == 200


def test_sticky_token_is_reissued_while_valid(reach: Reach, provider: MockProvider) -> None:
    assert isinstance(provider.clock, ManualClock)
    provider.set_quirks(sticky_token=True)
    first = reach.token().json()
    provider.clock.advance(600)
    second = reach.token().json()
    assert second["access_token"] == first["access_token"]
    assert second["expires_in"] == 3000
    provider.clock.advance(3000)
    assert reach.token().json()["access_token"] != first["access_token"]


def test_client_quirks_win_over_provider_wide_ones(reach: Reach, provider: MockProvider) -> None:
    provider.set_quirks(token_type="bearer", expires_in_as="string")
    provider.set_quirks(client_id=OTHER_ID, expires_in_as="missing")
    mine = reach.token().json()
    theirs = reach.token(OTHER_ID, OTHER_SECRET).json()
    assert (mine["token_type"], mine["expires_in"]) == ("bearer", "3600")
    assert theirs["token_type"] == "bearer"
    assert "expires_in" not in theirs
    provider.clear_quirks(client_id=OTHER_ID)
    assert reach.token(OTHER_ID, OTHER_SECRET).json()["expires_in"] == "3600"
    provider.clear_quirks()
    assert reach.token().json()["expires_in"] == 3600


def test_unknown_quirk_lists_the_valid_ones(provider: MockProvider) -> None:
    with pytest.raises(TypeError) as caught:
        provider.set_quirks(expires_in_ass="string")
    assert str(caught.value) == (
        "unknown quirk(s) expires_in_ass; valid quirks: expires_in_as, claimed_expires_in, "
        "expires_at, lifetime_ms, "
        "token_type, nest_under, extra_fields, narrow_scope, sticky_token, "
        "form_encoded_response, response_charset, reject_request_charset"
    )


@pytest.mark.parametrize(
    ("quirks", "message"),
    [
        ({"expires_in_as": "hex"}, "expires_in_as must be one of string, float, zero, missing"),
        ({"expires_at": "unix"}, "expires_at must be one of epoch, epoch_ms, iso8601"),
        ({"sticky_token": "yes"}, "sticky_token must be true or false, got 'yes'"),
        ({"narrow_scope": "read"}, "narrow_scope must be a list of scope strings, got 'read'"),
        ({"nest_under": ""}, "nest_under must be a non-empty string, got ''"),
    ],
)
def test_invalid_quirk_values(provider: MockProvider, quirks: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match="invalid quirk value: ") as caught:
        provider.set_quirks(**quirks)
    assert message in str(caught.value)


def test_revoke_all_and_expire(reach: Reach, provider: MockProvider) -> None:
    first = reach.token().json()["access_token"]
    second = reach.token().json()["access_token"]
    provider.expire(first)
    assert reach.me(first).status_code == 401
    assert reach.me(second).status_code == 200
    assert provider.revoke_all() == 1
    assert reach.me(second).status_code == 401


def test_clock_skew_makes_tokens_die_early(reach: Reach, provider: MockProvider) -> None:
    assert isinstance(provider.clock, ManualClock)
    token = reach.token().json()["access_token"]
    provider.clock.advance(3599)
    assert reach.me(token).status_code == 200
    provider.clock.advance(1)
    assert 'error="invalid_token"' in reach.me(token).headers["www-authenticate"]


@pytest.mark.parametrize("mode", ["socket", "sync"])
def test_rfc9068_rotated_signing_key_fails_old_tokens_at_the_api(mode: str) -> None:
    provider = MockProvider(clock=ManualClock(NOW), token_format="jwt")
    provider.add_client(CLIENT_ID, CLIENT_SECRET)
    with provider.serve() as server:
        transport = provider.transport() if mode == "sync" else None
        with httpx.Client(transport=transport, base_url=server.url) as http:
            old = provider.issue_token(CLIENT_ID).value
            me = {"Authorization": f"Bearer {old}"}
            assert http.get("/api/me", headers=me).status_code == 200
            provider.rotate_signing_key()
            refused = http.get("/api/me", headers=me)
            assert refused.status_code == 401
            assert 'error="invalid_token"' in refused.headers["www-authenticate"]
            new = provider.issue_token(CLIENT_ID).value
            assert http.get("/api/me", headers={"Authorization": f"Bearer {new}"}).is_success


def test_sticky_token_is_not_reissued_after_a_key_rotation() -> None:
    provider = MockProvider(clock=ManualClock(NOW), token_format="jwt")
    provider.add_client(CLIENT_ID, CLIENT_SECRET)
    provider.set_quirks(sticky_token=True)
    data = {"grant_type": "client_credentials"}
    with httpx.Client(transport=provider.transport(), base_url=provider.url) as http:
        first = http.post("/oauth/token", auth=(CLIENT_ID, CLIENT_SECRET), data=data).json()
        again = http.post("/oauth/token", auth=(CLIENT_ID, CLIENT_SECRET), data=data).json()
        provider.rotate_signing_key()
        after = http.post("/oauth/token", auth=(CLIENT_ID, CLIENT_SECRET), data=data).json()
    assert again["access_token"] == first["access_token"]
    assert after["access_token"] != first["access_token"]
