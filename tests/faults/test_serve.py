"""``oauthcc serve`` with a scenario and the control API, as a developer would run it."""

from __future__ import annotations

import argparse
import io
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from mock_provider import ProviderServer
from mock_provider.cli import command as cli

SCENARIOS = Path(__file__).resolve().parents[2] / "mock_provider" / "scenarios"
TOKEN = {"grant_type": "client_credentials"}
DEMO = ("demo-client", "demo-secret")


def _args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    cli.add_serve_arguments(parser)
    return parser.parse_args(argv)


@contextmanager
def running(*argv: str) -> Iterator[tuple[ProviderServer, io.StringIO]]:
    """Run ``serve`` with ``argv`` in a thread; yield the server and its output."""
    out, stop, ready = io.StringIO(), threading.Event(), threading.Event()
    servers: list[ProviderServer] = []

    def started(server: ProviderServer) -> None:
        servers.append(server)
        ready.set()

    thread = threading.Thread(
        target=cli.serve,
        args=(_args(*argv),),
        kwargs={"out": out, "stop": stop, "started": started},
    )
    thread.start()
    try:
        assert ready.wait(10), out.getvalue()
        yield servers[0], out
    finally:
        if servers:
            servers[0].target.clear_faults()  # type: ignore[attr-defined]
        stop.set()
        thread.join(10)
    assert not thread.is_alive()


def test_serve_a_scenario_and_script_it_over_http() -> None:
    with running("--scenario", str(SCENARIOS / "flaky-token-endpoint.yaml")) as (server, out):
        assert f"scenario       {SCENARIOS / 'flaky-token-endpoint.yaml'}" in out.getvalue()
        assert f"control API    {server.url}/_mock/" in out.getvalue()
        assert "control token" not in out.getvalue()
        with httpx.Client(base_url=server.url, timeout=5) as http:
            statuses = [http.post("/oauth/token", auth=DEMO, data=TOKEN).status_code]
            statuses += [http.post("/oauth/token", auth=DEMO, data=TOKEN).status_code]
            statuses += [http.post("/oauth/token", auth=DEMO, data=TOKEN).status_code]
            assert statuses == [503, 503, 200]
            seen = http.get("/_mock/requests").json()
            assert [r["status"] for r in seen] == [503, 503, 200]
            http.post("/_mock/faults", json={"endpoint": "token", "status": 500})
            assert http.post("/oauth/token", auth=DEMO, data=TOKEN).status_code == 500
            http.post("/_mock/reset")
            assert http.post("/oauth/token", auth=DEMO, data=TOKEN).status_code == 503


def test_serve_refuses_a_broken_scenario_before_starting(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("clients:\n  - client_id: app\n    secret: x\n", encoding="utf-8")
    started: list[ProviderServer] = []
    status = cli.serve(_args("--scenario", str(broken)), out=io.StringIO(), started=started.append)
    assert status == 2
    assert started == []
    assert capsys.readouterr().err.splitlines() == [
        "error: the scenario cannot be loaded:",
        f"{broken}:2: key 'clients[0].client_secret': required client field is missing",
        f"{broken}:3: key 'clients[0].secret': unknown client field; valid fields: client_id, "
        "client_secret, scopes, default_scopes, auth_methods, grant_types, expires_in, "
        "audiences, me, refresh_tokens, rotate_refresh_tokens, refresh_token_expires_in, "
        "jwks, jwks_uri",
    ]


def test_serve_without_control() -> None:
    with running("--no-control") as (server, out):
        assert "control API" not in out.getvalue()
        with httpx.Client(base_url=server.url, timeout=5) as http:
            assert http.get("/_mock/requests").status_code == 404
            assert http.post("/oauth/token", auth=DEMO, data=TOKEN).status_code == 200


def test_serve_with_a_chosen_control_token_does_not_echo_it() -> None:
    with running("--control-token", "chosen-s3cr3t") as (server, out):
        assert "chosen-s3cr3t" not in out.getvalue()
        assert "control token  as given" in out.getvalue()
        with httpx.Client(base_url=server.url, timeout=5) as http:
            assert http.get("/_mock/requests").status_code == 401
            auth = {"Authorization": "Bearer chosen-s3cr3t"}
            assert http.get("/_mock/requests", headers=auth).status_code == 200


def test_non_loopback_host_generates_and_prints_a_control_token(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The socket stays on 127.0.0.1; only the loopback decision is forced, so the code
    # path that serves a non-loopback host is the one under test.
    monkeypatch.setattr(cli, "is_loopback", lambda host: False)
    with running() as (server, out):
        found = re.search(r"control token  (\S+) \(send", out.getvalue())
        assert found is not None
        with httpx.Client(base_url=server.url, timeout=5) as http:
            refused = http.post("/_mock/reset")
            assert refused.status_code == 401
            assert refused.json()["error"] == "unauthorized"
            auth = {"Authorization": f"Bearer {found.group(1)}"}
            assert http.post("/_mock/reset", headers=auth).status_code == 200
            assert http.post("/oauth/token", auth=DEMO, data=TOKEN).status_code == 200


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.1.2.3", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("192.168.1.20", False),
        ("::", False),
        ("example.test", False),
    ],
)
def test_is_loopback(host: str, loopback: bool) -> None:
    assert cli.is_loopback(host) is loopback
    token = cli.control_token(host, None)
    assert (token is None) is loopback
    assert cli.control_token(host, "given") == "given"


def test_serve_allowed_host_and_limits_reach_the_server() -> None:
    with running("--allowed-host", "proxy.test", "--request-timeout", "3") as (server, _):
        with httpx.Client(base_url=server.url, timeout=5) as http:
            assert http.get("/_mock/requests", headers={"Host": "proxy.test"}).status_code == 200
            assert http.get("/_mock/requests", headers={"Host": "other.test"}).status_code == 421
        assert server.limits.request_timeout == 3
        assert server.limits.max_connections == 128
