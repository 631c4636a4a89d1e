"""Browser safety of the control API: what a web page could send is refused, tools work.

A page in the developer's browser can send CORS "simple" requests (text/plain or
form-encoded POSTs without preflight), carries its own ``Origin``, and through DNS
rebinding can reach 127.0.0.1 under a foreign ``Host``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import httpx
import pytest

from mock_provider import ManualClock, MockProvider
from mock_provider.control import routes
from mock_provider.control.browser import host_name

from .conftest import CLIENT_ID, CLIENT_SECRET, NOW

FAULT = b'{"endpoint": "token", "status": 503}'


@pytest.fixture
def served() -> Iterator[tuple[MockProvider, httpx.Client]]:
    provider = MockProvider(clock=ManualClock(NOW), control=True)
    provider.add_client(CLIENT_ID, CLIENT_SECRET)
    with provider.serve() as server, httpx.Client(base_url=server.url, timeout=5) as http:
        yield provider, http


@pytest.mark.parametrize(
    "content_type",
    [
        pytest.param("text/plain;charset=UTF-8", id="text_plain"),
        pytest.param("application/x-www-form-urlencoded", id="form"),
        pytest.param("multipart/form-data; boundary=x", id="multipart"),
    ],
)
def test_a_simple_request_write_is_refused_415(
    served: tuple[MockProvider, httpx.Client], content_type: str
) -> None:
    provider, http = served
    refused = http.post("/_mock/faults", content=FAULT, headers={"Content-Type": content_type})
    assert refused.status_code == 415
    media = content_type.partition(";")[0]
    assert refused.json() == {
        "error": "unsupported_media_type",
        "message": f"control writes take 'Content-Type: application/json', got {media!r} "
        "(curl: add -H 'Content-Type: application/json')",
    }
    assert provider.faults.pending == []


@pytest.mark.parametrize(
    "content_type",
    ["application/json", "application/json; charset=utf-8", "Application/JSON", None],
)
def test_json_writes_and_raw_clients_are_accepted(
    served: tuple[MockProvider, httpx.Client], content_type: str | None
) -> None:
    provider, http = served
    headers = {"Content-Type": content_type} if content_type else {}
    assert http.post("/_mock/faults", content=FAULT, headers=headers).status_code == 201
    assert len(provider.faults.pending) == 1
    # Bodiless writes need no content type (curl -X POST).
    assert http.post("/_mock/reset").json() == {"reset": True}


@pytest.mark.parametrize(
    "origin",
    [
        pytest.param("https://evil.example", id="foreign_site"),
        pytest.param("null", id="opaque_origin"),
        pytest.param("http://127.0.0.1:1", id="other_loopback_port"),
        pytest.param("http://localhost.evil.example", id="lookalike"),
    ],
)
def test_a_foreign_origin_is_refused_403(
    served: tuple[MockProvider, httpx.Client], origin: str
) -> None:
    provider, http = served
    refused = http.post("/_mock/faults", json={"endpoint": "token"}, headers={"Origin": origin})
    assert refused.status_code == 403
    assert refused.json() == {
        "error": "forbidden",
        "message": f"the control API refuses requests from web pages (Origin {origin!r}); "
        "script it from a tool or a test, not a browser",
    }
    assert http.get("/_mock/requests", headers={"Origin": origin}).status_code == 403
    assert provider.faults.pending == []


def test_the_same_origin_is_accepted(served: tuple[MockProvider, httpx.Client]) -> None:
    _, http = served
    port = http.base_url.port
    for host in (f"127.0.0.1:{port}", f"localhost:{port}"):
        same = {"Host": host, "Origin": f"http://{host}"}
        assert http.get("/_mock/requests", headers=same).status_code == 200


@pytest.mark.parametrize(
    "host", ["evil.example", "evil.example:8080", "127.0.0.1.nip.io", "[2001:db8::1]:80"]
)
def test_a_foreign_host_is_refused_421(
    served: tuple[MockProvider, httpx.Client], host: str
) -> None:
    # DNS rebinding: the page's own name now resolves to 127.0.0.1.
    _, http = served
    refused = http.get("/_mock/requests", headers={"Host": host})
    assert refused.status_code == 421
    assert refused.json() == {
        "error": "misdirected_request",
        "message": f"the control API does not answer for Host {host!r}: only loopback names "
        "and the provider's own host; allow another with --allowed-host NAME",
    }


def test_the_oauth_endpoints_answer_any_host(served: tuple[MockProvider, httpx.Client]) -> None:
    # Real applications reach the mock by whatever name their network gives it.
    _, http = served
    token = http.post(
        "/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(CLIENT_ID, CLIENT_SECRET),
        headers={"Host": "oauth-mock.internal", "Origin": "https://app.example"},
    )
    assert token.status_code == 200


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "app.localhost", "[::1]"])
def test_loopback_hosts_are_accepted(served: tuple[MockProvider, httpx.Client], host: str) -> None:
    _, http = served
    assert http.get("/_mock/requests", headers={"Host": f"{host}:9"}).status_code == 200


def test_allowed_hosts_are_configurable() -> None:
    provider = MockProvider()
    provider.enable_control(allowed_hosts=["Mock.Proxy.Test"])
    with provider.serve() as server, httpx.Client(base_url=server.url, timeout=5) as http:
        assert http.get("/_mock/requests", headers={"Host": "mock.proxy.test"}).status_code == 200
        assert http.get("/_mock/requests", headers={"Host": "other.test"}).status_code == 421
    anywhere = MockProvider()
    anywhere.enable_control(allowed_hosts=["*"])
    with httpx.Client(transport=anywhere.transport(), base_url=anywhere.url) as http:
        assert http.get("/_mock/requests", headers={"Host": "other.test"}).status_code == 200


def test_a_required_control_token_replaces_the_host_check() -> None:
    provider = MockProvider()
    provider.enable_control("s3cr3t-control")
    auth = {"Authorization": "Bearer s3cr3t-control", "Host": "mock.in.a.container"}
    with httpx.Client(transport=provider.transport(), base_url=provider.url) as http:
        assert http.get("/_mock/requests", headers=auth).status_code == 200
        assert http.get("/_mock/requests", headers={"Host": auth["Host"]}).status_code == 401
        foreign = {**auth, "Origin": "https://evil.example"}
        assert http.get("/_mock/requests", headers=foreign).status_code == 403


@pytest.mark.parametrize(
    ("host", "name"),
    [
        ("127.0.0.1:8080", "127.0.0.1"),
        ("[::1]:8080", "::1"),
        ("[::1]", "::1"),
        ("LocalHost", "localhost"),
        ("example.test:", "example.test"),
        ("example.test:²", "example.test:²"),
    ],
)
def test_host_name(host: str, name: str) -> None:
    assert host_name(host) == name


@pytest.mark.parametrize("status", ["%C2%B2", "%B2", "1e3", "-1", "0x1F4", "9999"])
def test_requests_status_filter_is_ascii_digits(
    served: tuple[MockProvider, httpx.Client], status: str
) -> None:
    # "²" passes str.isdigit() and then int() raised, outside the JSON guard: no answer.
    _, http = served
    refused = http.get(f"/_mock/requests?status={status}")
    assert refused.status_code == 400
    assert refused.json() == {
        "error": "invalid_request",
        "message": "status must be a number, e.g. status=503",
    }


def test_a_control_bug_is_a_json_server_error(
    served: tuple[MockProvider, httpx.Client],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    _, http = served

    def broken(*_: object) -> tuple[int, object]:
        raise RuntimeError("a bug in a control handler")

    monkeypatch.setitem(routes.ROUTES, "clock", {"GET": broken})
    with caplog.at_level(logging.ERROR, "mock_provider"):
        answer = http.get("/_mock/clock")
    assert answer.status_code == 500
    assert answer.json() == {
        "error": "server_error",
        "message": "the mock provider failed unexpectedly; see its log",
    }
    assert [r.getMessage() for r in caplog.records] == ["mock provider control API failed on GET"]
    assert http.get("/_mock/requests").status_code == 200  # the connection still serves
