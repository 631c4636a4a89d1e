"""Scripted faults, end-to-end over the socket server and the in-process transports."""

from __future__ import annotations

import json
import threading

import httpx
import pytest

from mock_provider import ManualClock, MockProvider

from .conftest import CLIENT_ID, CLIENT_SECRET, OTHER_ID, OTHER_SECRET, Reach


def test_fault_error_then_ok_in_queue_order(reach: Reach, provider: MockProvider) -> None:
    provider.add_fault("token", times=2, status=503, error="temporarily_unavailable", retry_after=1)
    first, second, third = reach.token(), reach.token(), reach.token()
    for refused in (first, second):
        assert refused.status_code == 503
        assert refused.headers["retry-after"] == "1"
        assert refused.json()["error"] == "temporarily_unavailable"
    assert third.status_code == 200
    assert "access_token" in third.json()
    assert [r.status for r in provider.token_requests] == [503, 503, 200]
    assert provider.faults.pending == []


def test_faults_fire_in_the_order_they_were_queued(reach: Reach, provider: MockProvider) -> None:
    provider.add_fault("token", status=503)
    provider.add_fault("token", status=500)
    provider.add_fault("token", status=429, retry_after=7)
    statuses = [reach.token().status_code for _ in range(4)]
    assert statuses == [503, 500, 429, 200]
    errors = [r.error for r in provider.token_requests]
    assert errors == ["temporarily_unavailable", "server_error", "temporarily_unavailable", None]


@pytest.mark.parametrize(
    ("error", "status", "challenge"),
    [
        pytest.param("invalid_client", 401, 'Basic realm="mock-oauth"', id="invalid_client_401"),
        pytest.param("invalid_request", 400, None, id="invalid_request_400"),
        pytest.param("temporarily_unavailable", 503, None, id="temporarily_unavailable_503"),
    ],
)
def test_rfc6749_5_2_fault_renders_an_error_response(
    reach: Reach, provider: MockProvider, error: str, status: int, challenge: str | None
) -> None:
    provider.add_fault("token", error=error, error_description="scripted")
    response = reach.token()
    assert response.status_code == status
    assert response.json() == {"error": error, "error_description": "scripted"}
    assert response.headers["cache-control"] == "no-store"
    if challenge is None:
        assert "www-authenticate" not in response.headers
    else:
        assert response.headers["www-authenticate"].startswith(challenge)


def test_retry_after_as_http_date_with_rate_limit_headers(
    reach: Reach, provider: MockProvider
) -> None:
    date = "Wed, 21 Oct 2026 07:28:00 GMT"
    provider.add_fault("token", retry_after=date, headers={"X-RateLimit-Remaining": "0"})
    response = reach.token()
    assert response.status_code == 429
    assert response.headers["retry-after"] == date
    assert response.headers["x-ratelimit-remaining"] == "0"


def test_headers_only_fault_passes_through_to_the_endpoint(
    reach: Reach, provider: MockProvider
) -> None:
    provider.add_fault("token", headers={"X-RateLimit-Remaining": "41"})
    response = reach.token()
    assert response.status_code == 200
    assert response.json()["token_type"] == "Bearer"
    assert response.headers["x-ratelimit-remaining"] == "41"
    assert provider.token_requests[0].client_id == CLIENT_ID


def test_chosen_status_body_and_content_type(reach: Reach, provider: MockProvider) -> None:
    provider.add_fault("token", status=502, body="<b>bad gateway</b>", content_type="text/html")
    provider.add_fault("token", status=500, body={"message": "boom"})
    first, second = reach.token(), reach.token()
    assert (first.status_code, first.headers["content-type"], first.text) == (
        502,
        "text/html",
        "<b>bad gateway</b>",
    )
    assert (second.status_code, second.json()) == (500, {"message": "boom"})
    assert second.headers["content-type"] == "application/json"


@pytest.mark.parametrize("kind", ["invalid_json", "truncated_json", "empty"])
def test_malformed_json_bodies_cannot_be_parsed(
    reach: Reach, provider: MockProvider, kind: str
) -> None:
    provider.add_fault("token", malformed=kind)
    response = reach.token()
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.content)


@pytest.mark.parametrize("status", [200, 502])
def test_malformed_html_error_page(reach: Reach, provider: MockProvider, status: int) -> None:
    provider.add_fault("token", malformed="html", status=status)
    response = reach.token()
    assert response.status_code == status
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.text.startswith("<!DOCTYPE html>")


def test_malformed_error_in_200(reach: Reach, provider: MockProvider) -> None:
    provider.add_fault("token", malformed="error_in_200", error="invalid_grant")
    response = reach.token()
    assert response.status_code == 200
    assert response.json()["error"] == "invalid_grant"
    assert "access_token" not in response.json()


def test_delay_then_the_real_answer(reach: Reach, provider: MockProvider) -> None:
    provider.add_fault("token", delay=0.01)
    assert reach.token().status_code == 200
    assert provider.token_requests[0].fault is not None


def test_hang_trips_the_client_read_timeout(reach: Reach, provider: MockProvider) -> None:
    provider.add_fault("token", delay=30)
    with pytest.raises(httpx.ReadTimeout):
        reach.token(timeout=0.05)
    provider.clear_faults()
    assert reach.token().status_code == 200


def test_dropped_connection(reach: Reach, provider: MockProvider) -> None:
    provider.add_fault("token", drop=True)
    # On the socket server this is a real TCP reset ("connection reset by peer").
    with pytest.raises(httpx.ReadError):
        reach.token()
    assert reach.token().status_code == 200
    assert [r.status for r in provider.token_requests] == [0, 200]
    assert "-> dropped" in str(provider.token_requests[0])


def test_fault_for_one_client_leaves_others_alone(reach: Reach, provider: MockProvider) -> None:
    provider.add_fault("token", client_id=OTHER_ID, status=503)
    assert reach.token().status_code == 200
    assert reach.token(OTHER_ID, OTHER_SECRET).status_code == 503
    assert reach.token(OTHER_ID, OTHER_SECRET).status_code == 200


def test_rfc6750_3_1_every_nth_me_request_is_invalid_token(
    reach: Reach, provider: MockProvider
) -> None:
    token = reach.token().json()["access_token"]
    provider.add_fault("me", every=3, times=None, error="invalid_token")
    statuses = [reach.me(token).status_code for _ in range(7)]
    assert statuses == [200, 200, 401, 200, 200, 401, 200]
    refused = [r for r in provider.requests if r.status == 401]
    assert len(refused) == 2
    assert all(r.client_id == CLIENT_ID and r.error == "invalid_token" for r in refused)
    assert provider.faults.pending[0].fired == 2


def test_rfc6750_3_fault_on_a_resource_sends_the_bearer_challenge(
    reach: Reach, provider: MockProvider
) -> None:
    token = reach.token().json()["access_token"]
    provider.add_fault("me", error="invalid_token")
    response = reach.me(token)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith(
        'Bearer realm="mock-oauth", error="invalid_token"'
    )


@pytest.mark.parametrize(
    ("endpoint", "method", "path"),
    [
        ("metadata", "GET", "/.well-known/oauth-authorization-server"),
        ("jwks", "GET", "/jwks.json"),
        ("revoke", "POST", "/oauth/revoke"),
        ("introspect", "POST", "/oauth/introspect"),
    ],
)
def test_faults_target_every_endpoint(
    reach: Reach, provider: MockProvider, endpoint: str, method: str, path: str
) -> None:
    provider.add_fault(endpoint, status=503)
    assert reach.request(method, path).status_code == 503
    assert provider.requests[-1].endpoint == endpoint


def test_unfired_faults_are_reported(provider: MockProvider) -> None:
    fired = provider.add_fault("token", status=503)
    never = provider.add_fault("me", status=500, times=2)
    with httpx.Client(transport=provider.transport(), base_url=provider.url) as http:
        http.post("/oauth/token", data={"grant_type": "client_credentials"})
    assert fired.fired == 1
    assert provider.faults.unfired() == [never]
    assert str(never) == f"me fault #{never.id} (times=2, status=500) fired 0 time(s)"
    provider.clear_faults()
    assert provider.faults.unfired() == []
    assert provider.faults.pending == []


def test_a_typo_in_a_fault_option_is_a_type_error(provider: MockProvider) -> None:
    with pytest.raises(TypeError, match="retry_afterr"):
        provider.add_fault("token", retry_afterr=1)  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"times": 0}, "times must be a whole number >= 1 or None, got 0"),
        ({"status": 42}, "status must be an HTTP status 100-599, got 42"),
        ({"malformed": "xml"}, "malformed must be one of invalid_json, truncated_json, html"),
        ({"delay": -1}, "delay must be a finite number of seconds >= 0, got -1.0"),
        ({"drop": True, "status": 500}, "drop=True sends no answer"),
        ({"every": 0}, "every must be a whole number >= 1 or None, got 0"),
    ],
)
def test_invalid_fault_values_are_refused(
    provider: MockProvider, options: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match="invalid fault: ") as caught:
        provider.add_fault("token", **options)  # type: ignore[arg-type]
    assert message in str(caught.value)


def test_unknown_endpoint_is_refused(provider: MockProvider) -> None:
    provider.add_resource("orders", "/api/orders")
    provider.add_fault("orders", status=500)
    with pytest.raises(ValueError) as caught:
        provider.add_fault("tokn", status=503)
    assert str(caught.value) == (
        "no endpoint named 'tokn' to fault; endpoints: token, revoke, introspect, me, "
        "metadata, jwks, openid_configuration, resource_metadata, authorize, orders"
    )


def test_a_hang_on_the_socket_does_not_block_other_clients(provider: MockProvider) -> None:
    hung = provider.add_fault("token", client_id=OTHER_ID, delay=30)
    outcome: list[int] = []
    with provider.serve() as server, httpx.Client(base_url=server.url, timeout=10) as http:

        def hang() -> None:
            data = {"grant_type": "client_credentials"}
            outcome.append(
                http.post("/oauth/token", auth=(OTHER_ID, OTHER_SECRET), data=data).status_code
            )

        thread = threading.Thread(target=hang)
        thread.start()
        # Bounded wait until the other client's request is inside its scripted hang.
        for _ in range(1000):
            if hung.fired:
                break
            threading.Event().wait(0.005)
        assert hung.fired == 1
        data = {"grant_type": "client_credentials"}
        assert http.post("/oauth/token", auth=(CLIENT_ID, CLIENT_SECRET), data=data).is_success
        assert outcome == []  # still hanging while this client was served
        provider.clear_faults()  # releases the hang: the real answer follows
        thread.join(10)
    assert outcome == [200]


@pytest.mark.anyio
async def test_an_async_delay_does_not_block_the_event_loop(provider: MockProvider) -> None:
    import anyio

    provider.add_fault("token", client_id=OTHER_ID, delay=30)
    finished: list[str] = []
    data = {"grant_type": "client_credentials"}
    transport = provider.async_transport()
    async with httpx.AsyncClient(transport=transport, base_url=provider.url) as http:

        async def slow() -> None:
            with pytest.raises(httpx.ReadTimeout):
                await http.post(
                    "/oauth/token", auth=(OTHER_ID, OTHER_SECRET), data=data, timeout=0.5
                )
            finished.append("slow")

        async def fast() -> None:
            await anyio.sleep(0)  # let the slow request start first
            await http.post("/oauth/token", auth=(CLIENT_ID, CLIENT_SECRET), data=data)
            finished.append("fast")

        async with anyio.create_task_group() as group:
            group.start_soon(slow)
            group.start_soon(fast)
    assert finished == ["fast", "slow"]


def test_faults_through_the_respx_route(provider: MockProvider) -> None:
    provider.add_fault("token", status=503, retry_after=1)
    provider.add_fault("token", drop=True)
    data = {"grant_type": "client_credentials"}
    with provider.mock(), httpx.Client() as http:
        refused = http.post(provider.token_url, auth=(CLIENT_ID, CLIENT_SECRET), data=data)
        assert (refused.status_code, refused.headers["retry-after"]) == (503, "1")
        with pytest.raises(httpx.ReadError):
            http.post(provider.token_url, auth=(CLIENT_ID, CLIENT_SECRET), data=data)
        assert http.post(provider.token_url, auth=(CLIENT_ID, CLIENT_SECRET), data=data).is_success


def test_a_clear_between_the_firing_and_the_wait_cuts_the_wait_short() -> None:
    """The one delay mechanism holds the event of the fault's firing: a clear that comes
    after the fault fired but before any transport started waiting still releases it."""
    import time

    import anyio

    from mock_provider.faults import FaultResponse
    from mock_provider.protocol import Request

    provider = MockProvider(clock=ManualClock(1_700_000_000))
    provider.add_fault("token", delay=30)
    answer = provider.handle(Request("POST", "/oauth/token"))
    assert isinstance(answer, FaultResponse)
    provider.clear_faults()  # before the wait starts
    started = time.monotonic()
    assert answer.wait(30) is True
    assert anyio.run(answer.wait_async, 30) is True
    assert time.monotonic() - started < 5
    # A later fault waits on the queue's new event: the old clear does not cut it short.
    provider.add_fault("token", delay=0.01)
    later = provider.handle(Request("POST", "/oauth/token"))
    assert isinstance(later, FaultResponse)
    assert later.wait(0.01) is False


def test_a_clear_sets_only_the_waker_taken_before_it() -> None:
    """The queue makes its waker when first taken; a clear before that has nothing to wake,
    and a waker taken after a clear waits for the next one."""
    from mock_provider.faults import FaultQueue

    queue = FaultQueue()
    queue.clear()  # nobody waits yet
    first = queue.waker()
    assert queue.waker() is first
    assert not first.is_set()
    queue.clear()
    assert first.is_set()
    second = queue.waker()
    assert second is not first
    assert not second.is_set()
    assert queue.wait(0.01) is False
    queue.clear()
    assert second.is_set()
