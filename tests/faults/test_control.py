"""The HTTP control API under /_mock/: every operation round-trips over a real socket."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from mock_provider import ManualClock, MockProvider

from .conftest import CLIENT_ID, CLIENT_SECRET, NOW

TOKEN = {"grant_type": "client_credentials"}


@pytest.fixture
def served() -> Iterator[tuple[MockProvider, httpx.Client]]:
    """A provider with the control API on, served on loopback, and a client for it."""
    provider = MockProvider(clock=ManualClock(NOW), control=True)
    provider.add_client(CLIENT_ID, CLIENT_SECRET, scopes=("read",))
    provider.enable_control()  # the reset state now includes the client
    with provider.serve() as server, httpx.Client(base_url=server.url, timeout=5) as http:
        yield provider, http


def test_control_is_off_by_default() -> None:
    provider = MockProvider()
    with httpx.Client(transport=provider.transport(), base_url=provider.url) as http:
        response = http.get("/_mock/requests")
    assert response.status_code == 404
    assert provider.requests[0].endpoint is None


def test_faults_round_trip(served: tuple[MockProvider, httpx.Client]) -> None:
    provider, http = served
    queued = http.post(
        "/_mock/faults",
        json={"endpoint": "token", "times": 2, "status": 503, "headers": {"Retry-After": "1"}},
    )
    assert queued.status_code == 201
    fault = queued.json()["faults"][0]
    assert fault["times"] == 2
    assert fault["fired"] == 0
    assert http.get("/_mock/faults").json()["unfired"][0]["id"] == fault["id"]
    first = http.post("/oauth/token", auth=(CLIENT_ID, CLIENT_SECRET), data=TOKEN)
    assert (first.status_code, first.headers["retry-after"]) == (503, "1")
    assert http.get("/_mock/faults").json()["unfired"] == []
    listed = http.post("/_mock/faults", json=[{"endpoint": "me", "every": 5, "times": None}])
    assert listed.json()["faults"][0]["every"] == 5
    assert http.delete("/_mock/faults").json() == {"cleared": 2}
    assert provider.faults.pending == []
    ok = http.post("/oauth/token", auth=(CLIENT_ID, CLIENT_SECRET), data=TOKEN)
    assert ok.status_code == 200


def test_unknown_fault_field_lists_the_valid_ones(
    served: tuple[MockProvider, httpx.Client],
) -> None:
    _, http = served
    refused = http.post("/_mock/faults", json={"endpoint": "token", "stauts": 503})
    assert refused.status_code == 400
    assert refused.json() == {
        "error": "invalid_request",
        "message": "stauts: unknown fault field; valid fields: endpoint, times, every, "
        "client_id, status, error, error_description, headers, body, content_type, "
        "retry_after, delay, drop, malformed",
    }
    wrong = http.post("/_mock/faults", json=[{"endpoint": "token", "status": "503"}])
    assert wrong.json()["message"] == "[0] status: expected integer but got str '503'"
    bad = http.post("/_mock/faults", json={"endpoint": "token", "malformed": "xml"})
    assert bad.json()["message"].startswith("invalid fault: malformed must be one of")
    assert http.post("/_mock/faults", content=b"{").json()["error"] == "invalid_request"


def test_clients_round_trip(served: tuple[MockProvider, httpx.Client]) -> None:
    provider, http = served
    added = http.post(
        "/_mock/clients",
        json={"client_id": "app-2", "client_secret": "app-2-s3cr3t", "scopes": ["write"]},
    )
    assert added.status_code == 201
    assert "app-2-s3cr3t" not in added.text
    assert added.json()["scopes"] == ["write"]
    issued = http.post("/oauth/token", auth=("app-2", "app-2-s3cr3t"), data=TOKEN)
    assert issued.json()["scope"] == "write"
    assert http.get("/_mock/clients/app-2").json()["client_id"] == "app-2"
    assert [c["client_id"] for c in http.get("/_mock/clients").json()["clients"]] == [
        CLIENT_ID,
        "app-2",
    ]
    assert http.delete("/_mock/clients/app-2").json() == {"removed": "app-2"}
    assert "app-2" not in provider.clients
    missing = http.delete("/_mock/clients/app-2")
    assert missing.status_code == 404
    assert missing.json()["message"] == (
        f"no client registered as 'app-2'; registered: {CLIENT_ID}"
    )
    wrong = http.post("/_mock/clients", json={"client_id": "x", "client_secret": 12345678})
    assert wrong.json()["message"] == "client_secret: expected string but got int (value hidden)"


def test_quirks_round_trip(served: tuple[MockProvider, httpx.Client]) -> None:
    provider, http = served
    set_ = http.post("/_mock/quirks", json={"expires_in_as": "string", "token_type": "bearer"})
    assert set_.json() == {
        "client_id": None,
        "quirks": {"expires_in_as": "string", "token_type": "bearer"},
    }
    http.post("/_mock/quirks", json={"client_id": CLIENT_ID, "narrow_scope": []})
    body = http.post("/oauth/token", auth=(CLIENT_ID, CLIENT_SECRET), data=TOKEN).json()
    assert (body["expires_in"], body["token_type"], "scope" in body) == ("3600", "bearer", False)
    assert http.get("/_mock/quirks").json() == {
        "quirks": {"expires_in_as": "string", "token_type": "bearer"},
        "clients": {CLIENT_ID: {"narrow_scope": []}},
    }
    unknown = http.post("/_mock/quirks", json={"sticky": True})
    assert unknown.status_code == 400
    assert unknown.json()["message"].startswith("sticky: unknown quirk field; valid fields:")
    assert http.delete("/_mock/quirks").status_code == 200
    assert provider.quirks.active() == {}
    assert provider.client_quirks == {}


def test_clock_tokens_and_key_rotation(served: tuple[MockProvider, httpx.Client]) -> None:
    provider, http = served
    token = http.post("/oauth/token", auth=(CLIENT_ID, CLIENT_SECRET), data=TOKEN).json()
    bearer = {"Authorization": f"Bearer {token['access_token']}"}
    assert http.post("/_mock/clock", json={"advance": 3600}).json() == {"time": NOW + 3600}
    assert http.get("/_mock/clock").json() == {"time": NOW + 3600}
    assert http.get("/api/me", headers=bearer).status_code == 401
    backwards = http.post("/_mock/clock", json={"advance": -5})
    assert backwards.status_code == 400
    assert "a clock only moves forward" in backwards.json()["message"]
    second = http.post("/oauth/token", auth=(CLIENT_ID, CLIENT_SECRET), data=TOKEN).json()
    assert http.post("/_mock/revoke-all").json() == {"revoked": 1}
    third = http.post("/oauth/token", auth=(CLIENT_ID, CLIENT_SECRET), data=TOKEN).json()
    assert http.post("/_mock/expire", json={"token": third["access_token"]}).json() == {
        "expired": True
    }
    assert provider.active_token(third["access_token"]) is None
    assert provider.find_token(second["access_token"]).revoked  # type: ignore[union-attr]
    assert http.post("/_mock/expire", json={"token": "nope"}).status_code == 404
    assert http.post("/_mock/rotate-signing-key").json() == {"rotated": True}


def test_requests_and_reset(served: tuple[MockProvider, httpx.Client]) -> None:
    provider, http = served
    http.post("/oauth/token", auth=(CLIENT_ID, CLIENT_SECRET), data={**TOKEN, "scope": "read"})
    http.post("/_mock/clients", json={"client_id": "temp", "client_secret": "temp-s3cr3t"})
    http.post("/_mock/quirks", json={"sticky_token": True})
    http.post("/_mock/faults", json={"endpoint": "token", "status": 500})
    recorded = http.get("/_mock/requests").json()
    assert len(recorded) == 1
    entry = recorded[0]
    assert {k: entry[k] for k in ("endpoint", "method", "path", "status", "client_id")} == {
        "endpoint": "token",
        "method": "POST",
        "path": "/oauth/token",
        "status": 200,
        "client_id": CLIENT_ID,
    }
    assert entry["headers"]["authorization"] == "Basic <redacted>"
    assert entry["form"] == {"grant_type": "client_credentials", "scope": "read"}
    assert http.post("/_mock/reset").json() == {"reset": True}
    assert list(provider.clients) == [CLIENT_ID]
    assert provider.quirks.active() == {}
    assert provider.faults.pending == []
    assert provider.tokens == []
    assert http.get("/_mock/requests").json() == []
    http.get("/api/me")
    assert http.delete("/_mock/requests").json() == {"cleared": 1}


def test_reset_rearms_the_start_up_faults() -> None:
    provider = MockProvider(clock=ManualClock(NOW))
    provider.add_client(CLIENT_ID, CLIENT_SECRET)
    provider.add_fault("token", status=503)
    provider.enable_control()
    with httpx.Client(transport=provider.transport(), base_url=provider.url) as http:
        assert http.post("/oauth/token", auth=(CLIENT_ID, CLIENT_SECRET), data=TOKEN).is_error
        assert http.post("/oauth/token", auth=(CLIENT_ID, CLIENT_SECRET), data=TOKEN).is_success
        http.post("/_mock/reset")
        again = http.post("/oauth/token", auth=(CLIENT_ID, CLIENT_SECRET), data=TOKEN)
    assert again.status_code == 503


def test_routes_methods_index_and_openapi(served: tuple[MockProvider, httpx.Client]) -> None:
    _, http = served
    missing = http.get("/_mock/nothing")
    assert missing.status_code == 404
    assert missing.json()["message"].startswith("no control endpoint at /_mock/nothing;")
    wrong = http.put("/_mock/reset")
    assert (wrong.status_code, wrong.headers["allow"]) == (405, "POST")
    index = http.get("/_mock/").json()
    assert index["endpoints"]["/_mock/faults"] == ["DELETE", "GET", "POST"]
    document = http.get("/_mock/openapi.json").json()
    assert document["openapi"] == "3.1.0"
    for path in ("/_mock/faults", "/_mock/clients", "/_mock/clock", "/_mock/requests"):
        assert path in document["paths"]
    fault_schema = document["components"]["schemas"]["Fault"]
    assert fault_schema["required"] == ["endpoint"]
    assert "retry_after" in fault_schema["properties"]


def test_control_token_required_when_set(served: tuple[MockProvider, httpx.Client]) -> None:
    provider, http = served
    provider.enable_control(token="ctl-token-s3cr3t")
    refused = http.get("/_mock/requests")
    assert refused.status_code == 401
    assert refused.headers["www-authenticate"] == 'Bearer realm="mock-control"'
    assert refused.json()["error"] == "unauthorized"
    wrong = http.get("/_mock/requests", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    ok = http.get("/_mock/requests", headers={"Authorization": "Bearer ctl-token-s3cr3t"})
    assert ok.status_code == 200
    # The OAuth endpoints are unaffected by the control token.
    assert http.post("/oauth/token", auth=(CLIENT_ID, CLIENT_SECRET), data=TOKEN).is_success
    assert "ctl-token-s3cr3t" not in repr(provider.control)
    provider.disable_control()
    assert http.get("/_mock/requests").status_code == 404


def test_requests_can_be_filtered(served: tuple[MockProvider, httpx.Client]) -> None:
    _, http = served
    http.post("/_mock/faults", json={"endpoint": "token", "status": 503})
    http.post("/oauth/token", auth=(CLIENT_ID, CLIENT_SECRET), data=TOKEN)
    http.post("/oauth/token", auth=(CLIENT_ID, CLIENT_SECRET), data=TOKEN)
    http.get("/api/me")
    failed = http.get("/_mock/requests", params={"endpoint": "token", "status": "503"}).json()
    assert [(r["endpoint"], r["status"]) for r in failed] == [("token", 503)]
    mine = http.get("/_mock/requests", params={"client_id": CLIENT_ID}).json()
    assert len(mine) == 2
    refused = http.get("/_mock/requests", params={"token": "x", "colour": "blue"})
    assert refused.status_code == 400
    assert refused.json()["message"] == (
        "unknown filter(s) colour, token; filters: endpoint, client_id, scope, status, "
        "method, auth_method, error"
    )
    assert http.get("/_mock/requests", params={"status": "abc"}).status_code == 400
    document = http.get("/_mock/openapi.json").json()
    names = [p["name"] for p in document["paths"]["/_mock/requests"]["get"]["parameters"]]
    assert names == ["endpoint", "client_id", "scope", "status", "method", "auth_method", "error"]


def test_fault_for_an_unknown_endpoint_is_refused_whole(
    served: tuple[MockProvider, httpx.Client],
) -> None:
    provider, http = served
    refused = http.post(
        "/_mock/faults", json=[{"endpoint": "token", "status": 503}, {"endpoint": "tokn"}]
    )
    assert refused.status_code == 400
    assert refused.json()["message"] == (
        "no endpoint named 'tokn' to fault; endpoints: token, revoke, introspect, me, "
        "metadata, jwks, openid_configuration, resource_metadata, authorize"
    )
    assert provider.faults.pending == []


BEYOND = b"1" + b"0" * 400  # a JSON integer Python parses and no float holds


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/_mock/clock", b'{"advance": %s}' % BEYOND, "advance"),
        ("/_mock/faults", b'{"endpoint": "token", "delay": %s}' % BEYOND, "delay"),
        ("/_mock/faults", b'{"endpoint": "token", "times": -%s}' % BEYOND, "times"),
        ("/_mock/quirks", b'{"claimed_expires_in": %s}' % BEYOND, "claimed_expires_in"),
        ("/_mock/clients", b'{"client_id": "c", "expires_in": %s}' % BEYOND, "expires_in"),
    ],
)
def test_rfc7493_2_2_integers_beyond_a_double_are_refused_not_a_500(
    served: tuple[MockProvider, httpx.Client], path: str, body: bytes, field: str
) -> None:
    _, http = served
    refused = http.post(path, content=body, headers={"Content-Type": "application/json"})
    assert refused.status_code == 400
    assert refused.json() == {
        "error": "invalid_request",
        "message": f"{field}: is out of range: JSON integers interoperate within "
        "+-(2**53 - 1) (RFC 7493 §2.2)",
    }


def test_rfc8259_6_infinity_and_nan_are_not_json_numbers(
    served: tuple[MockProvider, httpx.Client],
) -> None:
    _, http = served
    for literal in (b"Infinity", b"-Infinity", b"NaN"):
        refused = http.post(
            "/_mock/clock",
            content=b'{"advance": %s}' % literal,
            headers={"Content-Type": "application/json"},
        )
        assert refused.status_code == 400
        assert refused.json()["message"] == "advance: is not a finite number (RFC 8259 §6)"
    at_the_edge = http.post("/_mock/clock", json={"advance": 2**53 - 1})
    assert at_the_edge.status_code == 200
