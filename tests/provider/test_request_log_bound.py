"""The request log is bounded: a ring of the latest requests, long values truncated.

A provider left serving for hours (``oauthcc serve``) kept every request verbatim before:
260 MB in a one-minute soak of fuzzed 60 KB header values.
"""

from __future__ import annotations

import argparse

import httpx
import pytest

from mock_provider import MockProvider
from mock_provider.cli import command as cli
from mock_provider.state.log import DEFAULT_MAX_REQUESTS, MAX_VALUE, RequestLog
from pytest_oauthcc.plugin.options import ProviderOptions

TOKEN = {"grant_type": "client_credentials"}


def test_soak_keeps_the_bound_and_counts_what_it_dropped() -> None:
    provider = MockProvider(max_requests=50)
    provider.add_client("soak", "soak-secret")
    with httpx.Client(transport=provider.transport(), base_url=provider.url) as http:
        for index in range(150):
            http.post("/oauth/token", data=TOKEN | {"scope": f"s{index}"}, auth=("soak", "x"))
    assert len(provider.requests) == 50
    assert provider.core.request_log.dropped == 100
    # The ring keeps the latest, oldest first.
    assert [r.scopes for r in provider.requests] == [(f"s{i}",) for i in range(100, 150)]
    provider.clear_requests()
    assert provider.core.request_log.dropped == 0


def test_the_default_bound_is_documented_and_shared() -> None:
    assert DEFAULT_MAX_REQUESTS == 10_000
    assert MockProvider().core.request_log.max_requests == DEFAULT_MAX_REQUESTS
    assert ProviderOptions().max_requests == DEFAULT_MAX_REQUESTS


def test_long_values_are_truncated_with_a_marker() -> None:
    provider = MockProvider()
    long_value = "v" * 60_000
    with httpx.Client(transport=provider.transport(), base_url=provider.url) as http:
        http.get("/api/me", params={"q": long_value}, headers={"X-Long": long_value})
    (recorded,) = provider.requests
    marked = "v" * MAX_VALUE + f"…[truncated {60_000 - MAX_VALUE} chars]"
    assert recorded.headers["x-long"] == marked
    assert recorded.query["q"] == marked
    assert len(repr(recorded)) < 8 * MAX_VALUE


def test_shrinking_the_bound_drops_the_oldest() -> None:
    log = RequestLog(max_requests=10)
    provider = MockProvider()
    with httpx.Client(transport=provider.transport(), base_url=provider.url) as http:
        for _ in range(10):
            http.get("/api/me")
    for entry in provider.requests:
        log.append(entry)
    log.max_requests = 4
    assert (len(log.entries), log.dropped, log.max_requests) == (4, 6, 4)


@pytest.mark.parametrize("bound", [0, -1, 1.5, True, 10_000.0])
def test_an_invalid_bound_is_refused(bound: object) -> None:
    with pytest.raises(ValueError, match="max_requests must be a whole number >= 1, got "):
        MockProvider(max_requests=bound)  # type: ignore[arg-type]


def test_control_api_reports_dropped_and_sets_the_bound() -> None:
    provider = MockProvider(control=True, max_requests=3)
    with httpx.Client(transport=provider.transport(), base_url=provider.url) as http:
        for _ in range(9):
            http.get("/api/me")
        listed = http.get("/_mock/requests")
        # Still a list, as before the log was bounded: the count is in header fields.
        assert len(listed.json()) == 3
        assert listed.headers["x-mock-dropped"] == "6"
        assert listed.headers["x-mock-max-requests"] == "3"
        resized = http.post("/_mock/requests", json={"max_requests": 2})
        assert resized.json() == {"max_requests": 2, "dropped": 7}
        refused = http.post("/_mock/requests", json={"max_requests": 0})
        assert refused.status_code == 400
        assert refused.json()["message"] == "max_requests must be a whole number >= 1, got 0"
        document = http.get("/_mock/openapi.json").json()
    assert "post" in document["paths"]["/_mock/requests"]


def _args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    cli.add_serve_arguments(parser)
    return parser.parse_args(argv)


def test_serve_options_bound_the_log_connections_and_time() -> None:
    args = _args("--max-requests", "7", "--max-connections", "9", "--request-timeout", "2.5")
    assert cli.build_provider(args).core.request_log.max_requests == 7
    assert (args.max_connections, args.request_timeout) == (9, 2.5)
    defaults = _args()
    assert (defaults.max_requests, defaults.max_connections, defaults.request_timeout) == (
        10_000,
        128,
        10.0,
    )
    assert _args("--allowed-host", "a.test", "--allowed-host", "b.test").allowed_host == [
        "a.test",
        "b.test",
    ]


@pytest.mark.parametrize(
    "argv",
    [("--max-requests", "0"), ("--max-connections", "-3"), ("--request-timeout", "0")],
)
def test_serve_options_refuse_values_out_of_range(
    argv: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        _args(*argv)
    assert exited.value.code == 2
    assert f"argument {argv[0]}: expected" in capsys.readouterr().err
