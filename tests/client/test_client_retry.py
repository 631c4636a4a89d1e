"""Errors and retries: terminal §5.2 errors at once; transient failures retried with backoff,
jitter and Retry-After within a bounded budget. Sleeps advance the manual clock."""

from __future__ import annotations

import re
from collections.abc import Callable
from email.utils import formatdate

import httpx
import pytest

from pytest_oauthcc import (
    ClientConfigurationError,
    ClientCredentials,
    InvalidTokenResponseError,
    RetryPolicy,
    TokenEndpointError,
    TokenEndpointUnavailableError,
    TokenRequestError,
)
from pytest_oauthcc.client.retry import parse_retry_after

from .conftest import World

NO_JITTER = RetryPolicy(jitter=0)


def test_transient_503_with_retry_after_is_retried_until_success(world: World) -> None:
    world.provider.add_fault("token", times=2, status=503, retry_after=1)
    auth = world.make()
    assert world.get(auth).status_code == 200
    assert world.sleeper.sleeps == [1, 1]
    assert [r.status for r in world.provider.token_requests] == [503, 503, 200]
    assert (auth.stats.token_requests, auth.stats.retries) == (3, 2)


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
def test_retryable_statuses_without_an_oauth_body_back_off_exponentially(
    local: World, status: int
) -> None:
    local.provider.add_fault("token", times=2, status=status, malformed="html")
    auth = local.make(retry=RetryPolicy(base_delay=0.5, jitter=0.5, random=lambda: 0.5))
    assert local.get(auth).status_code == 200
    # equal jitter: delay * (1 - 0.5) + delay * 0.5 * random()
    assert local.sleeper.sleeps == [0.375, 0.75]


@pytest.mark.parametrize("error", ["temporarily_unavailable", "server_error"])
def test_rfc6749_5_2_retryable_error_codes_are_retried(local: World, error: str) -> None:
    local.provider.add_fault("token", times=1, error=error, status=503)
    auth = local.make(retry=NO_JITTER)
    assert local.get(auth).status_code == 200
    assert local.sleeper.sleeps == [0.5]


@pytest.mark.parametrize(
    ("error", "status"),
    [
        pytest.param("invalid_client", 401, id="invalid_client"),
        pytest.param("invalid_scope", 400, id="invalid_scope"),
        pytest.param("unauthorized_client", 400, id="unauthorized_client"),
        pytest.param("unsupported_grant_type", 400, id="unsupported_grant_type"),
        pytest.param("invalid_request", 400, id="invalid_request"),
        pytest.param("invalid_client", 503, id="terminal-code-wins-over-5xx"),
    ],
)
def test_rfc6749_5_2_terminal_errors_are_raised_at_once(
    world: World, error: str, status: int
) -> None:
    world.provider.add_fault("token", times=1, error=error, status=status, error_description="nope")
    with pytest.raises(TokenEndpointError) as caught:
        world.get(world.make())
    err = caught.value
    assert (err.error, err.status, err.retryable, err.attempts) == (error, status, False, 1)
    assert err.error_description is not None
    assert str(err) == (
        f"the token endpoint refused the request with HTTP {status} error={error}: "
        f"{err.error_description}"
    )
    assert world.sleeper.sleeps == []
    assert len(world.provider.token_requests) == 1


def test_rfc6749_5_2_error_uri_is_kept() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            400, json={"error": "invalid_scope", "error_uri": "https://as.test/help"}
        )

    with pytest.raises(TokenEndpointError) as caught:
        fake_endpoint(handler)
    assert caught.value.error_uri == "https://as.test/help"
    assert caught.value.error_description is None


def fake_endpoint(handler: Callable[[httpx.Request], httpx.Response]) -> str:
    """Fetch a token from ``handler`` and return it (or raise what the client raised)."""
    auth = ClientCredentials("https://as.test/t", "id", "s", sleep=lambda seconds: None)
    with httpx.Client(transport=httpx.MockTransport(handler)) as http:
        return auth.fetch_token(http)


def test_retry_after_http_date_is_honoured(local: World) -> None:
    when = formatdate(local.clock.time() + 7, usegmt=True)
    local.provider.add_fault("token", times=1, status=503, retry_after=when)
    assert local.get(local.make()).status_code == 200
    assert local.sleeper.sleeps == [7]


def test_retry_after_longer_than_the_cap_fails_at_once(local: World) -> None:
    local.provider.add_fault("token", times=1, status=429, retry_after=30)
    auth = local.make(retry=RetryPolicy(max_retry_after=10))
    with pytest.raises(TokenEndpointError) as caught:
        local.get(auth)
    assert caught.value.retry_after == 30
    assert local.sleeper.sleeps == []


def test_gives_up_after_max_attempts_with_a_clear_message(world: World) -> None:
    world.provider.add_fault("token", times=None, status=502, malformed="html")
    auth = world.make(retry=RetryPolicy(max_attempts=3, jitter=0))
    with pytest.raises(TokenEndpointUnavailableError) as caught:
        world.get(auth)
    assert re.fullmatch(
        r"the token endpoint answered HTTP 502 with a \d+-byte body with text/html; "
        r"charset=utf-8 \(looks like HTML\) \(gave up after 3 attempt\(s\)\)",
        str(caught.value),
    )
    assert caught.value.attempts == 3
    assert world.sleeper.sleeps == [0.5, 1.0]
    world.provider.clear_faults()


def test_the_budget_bounds_the_total_wait(local: World) -> None:
    local.provider.add_fault("token", times=None, status=503)
    auth = local.make(retry=RetryPolicy(max_attempts=10, base_delay=0.6, jitter=0, budget=2.0))
    with pytest.raises(TokenEndpointError):
        local.get(auth)
    assert local.sleeper.sleeps == [0.6, 1.2]  # the next, 2.4, would overrun the budget
    local.provider.clear_faults()


def test_network_errors_are_retried_by_fetch_token(world: World) -> None:
    world.provider.add_fault("token", times=2, drop=True)
    auth = world.make(retry=NO_JITTER)
    token = world.fetch_token(auth)
    assert token
    assert world.sleeper.sleeps == [0.5, 1.0]
    assert auth.stats.retries == 2
    assert world.fetch_token(auth) == token  # cached


def test_network_errors_past_the_budget_raise_a_typed_error(local: World) -> None:
    local.provider.add_fault("token", times=None, drop=True)
    auth = local.make(retry=RetryPolicy(max_attempts=2, jitter=0))
    with pytest.raises(TokenEndpointUnavailableError, match=r"could not be reached \(ReadError\)"):
        local.fetch_token(auth)
    local.provider.clear_faults()


def test_network_error_inside_an_httpx_request_propagates_and_is_not_cached(
    world: World,
) -> None:
    """httpx (and httpx2) do not hand transport errors to an auth flow; the caller sees the
    stack's own error, and the next request starts afresh."""
    world.provider.add_fault("token", times=1, drop=True)
    auth = world.make()
    with pytest.raises(world.http.TransportError):
        world.get(auth)
    assert world.get(auth).status_code == 200


@pytest.mark.parametrize(
    ("malformed", "message"),
    [
        pytest.param("invalid_json", "not a JSON object", id="invalid_json"),
        pytest.param("truncated_json", "not a JSON object", id="truncated_json"),
        pytest.param("html", "(looks like HTML)", id="html"),
        pytest.param("empty", "a 0-byte body", id="empty"),
    ],
)
def test_malformed_200_bodies_are_typed_errors(world: World, malformed: str, message: str) -> None:
    world.provider.add_fault("token", times=1, malformed=malformed)
    with pytest.raises(
        InvalidTokenResponseError, match=message.replace("(", r"\(").replace(")", r"\)")
    ):
        world.get(world.make())
    assert len(world.provider.token_requests) == 1


def test_error_in_200_is_a_token_endpoint_error(world: World) -> None:
    world.provider.add_fault("token", times=1, malformed="error_in_200", error="invalid_scope")
    with pytest.raises(TokenEndpointError) as caught:
        world.get(world.make())
    assert (caught.value.error, caught.value.status) == ("invalid_scope", 200)


def test_an_unexpected_status_is_a_terminal_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404, text="no such endpoint")

    with pytest.raises(TokenRequestError, match=r"answered HTTP 404 .*expected 200") as caught:
        fake_endpoint(handler)
    assert type(caught.value) is TokenRequestError
    assert caught.value.retryable is False


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("120", 120.0),
        (" 3 ", 3.0),
        ("Thu, 01 Jan 2027 00:00:10 GMT", 10.0),
        ("Thu, 01 Jan 2027 00:00:00 GMT", 0.0),
        ("Wed, 31 Dec 2026 00:00:00 GMT", 0.0),
        ("soon", None),
        ("-5", None),
        (None, None),
    ],
)
def test_rfc9110_10_2_3_retry_after_seconds_or_http_date(
    value: str | None, expected: float | None
) -> None:
    assert parse_retry_after(value, wall_now=1798761600.0) == expected  # 2027-01-01T00:00:00Z


@pytest.mark.parametrize(
    "options",
    [{"max_attempts": 0}, {"base_delay": -1}, {"budget": -1}, {"jitter": 2}],
)
def test_invalid_retry_policies_are_refused(options: dict[str, float]) -> None:
    with pytest.raises(ClientConfigurationError, match="RetryPolicy"):
        RetryPolicy(**options)  # type: ignore[arg-type]


def test_a_token_endpoint_slower_than_the_timeout_is_retried_by_fetch_token(
    local: World,
) -> None:
    local.provider.add_fault("token", times=1, delay=5)
    auth = local.make(timeout=0.01, retry=NO_JITTER)
    assert local.fetch_token(auth)
    assert local.sleeper.sleeps == [0.5]
    assert [r.status for r in local.provider.token_requests][-1] == 200
