"""Single flight: any number of threads or tasks needing a token cause one token request.

The token endpoint is gated: it answers only once every other caller is provably waiting
on the leader's flight, so these tests prove waiting, not just a lucky ordering.
"""

from __future__ import annotations

import asyncio
import threading

import httpx
import httpx2
import pytest

from pytest_oauthcc import TokenEndpointError, TokenRequestError
from pytest_oauthcc.client.single_flight import Flight

from .conftest import SSL_CONTEXT, STACKS, World, new_provider


class Waiters:
    """Counts callers waiting on a flight (sync or async) and signals at a target."""

    def __init__(self, target: int) -> None:
        self.target = target
        self.count = 0
        self.lock = threading.Lock()
        self.reached = threading.Event()

    def arrived(self) -> None:
        with self.lock:
            self.count += 1
            if self.count >= self.target:
                self.reached.set()


@pytest.fixture
def waiters(monkeypatch: pytest.MonkeyPatch) -> Waiters:
    box = Waiters(target=0)
    wait, wait_async = Flight.wait, Flight.wait_async

    def counted_wait(self: Flight, timeout: float) -> None:
        box.arrived()
        wait(self, timeout)

    async def counted_wait_async(self: Flight, timeout: float) -> None:
        box.arrived()
        await wait_async(self, timeout)

    monkeypatch.setattr(Flight, "wait", counted_wait)
    monkeypatch.setattr(Flight, "wait_async", counted_wait_async)
    return box


class GatedTransport(httpx.BaseTransport):
    """A world's in-process transport (httpx's or httpx2's), holding token requests until
    every waiter has arrived."""

    def __init__(self, world: World, waiters: Waiters) -> None:
        self.inner = world.transport()
        self.waiters = waiters

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/token"):
            assert self.waiters.reached.wait(30), f"only {self.waiters.count} waiters arrived"
        return self.inner.handle_request(request)


class AsyncGatedTransport(httpx.AsyncBaseTransport):
    def __init__(self, world: World, waiters: Waiters) -> None:
        self.inner = world.async_transport()
        self.waiters = waiters

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/token"):
            for _ in range(10_000):  # bounded: each step yields to the waiting tasks
                if self.waiters.reached.is_set():
                    break
                await asyncio.sleep(0)
            assert self.waiters.reached.is_set(), f"only {self.waiters.count} waiters arrived"
        return await self.inner.handle_async_request(request)


def storm_threads(world: World, waiters: Waiters, threads: int, **fault: object) -> list[object]:
    """``threads`` threads hit an expired token at once; returns each one's outcome."""
    auth = world.make()
    world.get(auth)
    world.clock.advance(3600)  # expired
    world.provider.clear_requests()
    if fault:
        world.provider.add_fault("token", times=1, **fault)  # type: ignore[arg-type]
    waiters.target = threads - 1
    results: list[object] = [None] * threads
    start = threading.Barrier(threads)
    http = world.http.Client(
        auth=auth, transport=GatedTransport(world, waiters), verify=SSL_CONTEXT
    )

    def run(i: int) -> None:
        start.wait()
        try:
            results[i] = http.get(world.provider.me_url).status_code
        except Exception as exc:
            results[i] = exc

    pool = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(60)
    http.close()
    assert not any(thread.is_alive() for thread in pool)
    return results


@pytest.fixture(params=STACKS)
def sync_world(request: pytest.FixtureRequest) -> World:
    return World(new_provider(), "sync", request.param)


@pytest.fixture(params=STACKS)
def async_world(request: pytest.FixtureRequest) -> World:
    return World(new_provider(), "async", request.param)


def test_refresh_storm_200_threads_one_token_request(sync_world: World, waiters: Waiters) -> None:
    local = sync_world
    results = storm_threads(local, waiters, 200)
    assert results == [200] * 200
    assert len(local.provider.token_requests) == 1
    assert waiters.count == 199


def test_refresh_storm_2000_tasks_one_token_request(async_world: World, waiters: Waiters) -> None:
    local = async_world
    auth = local.make()
    local.get(auth)
    local.clock.advance(3600)
    local.provider.clear_requests()
    waiters.target = 1999

    async def main() -> list[int]:
        transport = AsyncGatedTransport(local, waiters)
        async with local.http.AsyncClient(
            auth=auth, transport=transport, verify=SSL_CONTEXT
        ) as http:
            responses = await asyncio.gather(
                *(http.get(local.provider.me_url) for _ in range(2000))
            )
        return [r.status_code for r in responses]

    assert asyncio.run(main()) == [200] * 2000
    assert len(local.provider.token_requests) == 1
    assert auth.stats.token_requests == 2


def test_waiters_share_the_leaders_error(sync_world: World, waiters: Waiters) -> None:
    local = sync_world
    results = storm_threads(local, waiters, 20, error="invalid_client")
    assert len(local.provider.token_requests) == 1
    assert all(isinstance(r, TokenEndpointError) and r.error == "invalid_client" for r in results)
    # Failures are not cached: the next request asks again.
    assert local.get(local.make()).status_code == 200


def test_failures_are_not_cached(local: World) -> None:
    local.provider.add_fault("token", times=1, error="invalid_scope")
    auth = local.make()
    with pytest.raises(TokenEndpointError):
        local.get(auth)
    assert local.get(auth).status_code == 200
    assert len(local.provider.token_requests) == 2


def test_retry_after_window_is_respected_without_asking_again(local: World) -> None:
    local.provider.add_fault("token", times=1, status=503, retry_after=120)
    auth = local.make()  # 120 s is over the default max_retry_after of 60 s: fail at once
    with pytest.raises(TokenEndpointError) as first:
        local.get(auth)
    assert (first.value.error, first.value.retry_after) == ("temporarily_unavailable", 120)
    assert first.value.retryable
    local.clock.advance(119)
    with pytest.raises(TokenEndpointError):
        local.get(auth)
    assert len(local.provider.token_requests) == 1
    local.clock.advance(1)
    assert local.get(auth).status_code == 200
    assert len(local.provider.token_requests) == 2


def test_a_due_token_is_still_used_while_another_caller_renews(local: World) -> None:
    """Between renew_at and expiry a request need not wait for the renewal in flight."""
    auth = local.make(renew_before=60)
    local.get(auth)
    local.clock.advance(3560)  # due, not expired
    entered = threading.Event()
    release = threading.Event()
    inner = local.provider.transport()

    class Slow(httpx.BaseTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            if request.url.path.endswith("/token"):
                entered.set()
                assert release.wait(30)
            return inner.handle_request(request)

    with httpx.Client(auth=auth, transport=Slow(), verify=SSL_CONTEXT) as http:
        leader = threading.Thread(target=http.get, args=(local.provider.me_url,))
        leader.start()
        assert entered.wait(30)
        assert http.get(local.provider.me_url).status_code == 200  # old token, no waiting
        release.set()
        leader.join(30)
    assert len(local.provider.token_requests) == 2


def test_waiters_retry_when_the_leader_meets_a_network_error(
    sync_world: World, waiters: Waiters
) -> None:
    """httpx closes the leader's flow on a transport error; the waiters must not inherit an
    error they cannot explain: one of them fetches again."""
    results = storm_threads(sync_world, waiters, 10, drop=True)
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1
    assert isinstance(errors[0], sync_world.http.TransportError)
    assert results.count(200) == 9
    assert [r.status for r in sync_world.provider.token_requests] == [0, 200]


def test_flight_wait_gives_up_after_its_timeout() -> None:
    flight = Flight()
    with pytest.raises(TokenRequestError, match=r"gave up after 0\.01s waiting"):
        flight.wait(0.01)

    async def main() -> None:
        await flight.wait_async(0.01)

    with pytest.raises(TokenRequestError, match=r"gave up after 0\.01s waiting"):
        asyncio.run(main())


def test_a_cancelled_leader_task_hands_over_to_a_waiter(
    async_world: World, waiters: Waiters
) -> None:
    provider = async_world.provider
    auth = async_world.make()
    waiters.target = 1

    class HangsOnce(httpx.AsyncBaseTransport):
        def __init__(self) -> None:
            self.inner = provider.async_transport()
            self.calls = 0

        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            if request.url.path.endswith("/token"):
                self.calls += 1
                if self.calls == 1:
                    await asyncio.Event().wait()  # hangs until cancelled
            return await self.inner.handle_async_request(request)

    async def main() -> int:
        transport = HangsOnce()
        async with httpx.AsyncClient(auth=auth, transport=transport, verify=SSL_CONTEXT) as http:
            leader = asyncio.create_task(http.get(provider.me_url))
            waiter = asyncio.create_task(http.get(provider.me_url))
            for _ in range(1000):  # bounded: until the second task waits on the flight
                if waiters.reached.is_set():
                    break
                await asyncio.sleep(0)
            assert waiters.reached.is_set()
            leader.cancel()
            with pytest.raises(asyncio.CancelledError):
                await leader
            return (await waiter).status_code

    assert asyncio.run(main()) == 200
    assert len(provider.token_requests) == 1  # the hung request never reached the provider


def test_a_task_waits_on_a_fetch_led_by_a_thread(sync_world: World, waiters: Waiters) -> None:
    """One client used from a worker thread (sync) and an event loop (async) at once, the
    task on the other httpx stack: it waits on the thread's flight without blocking its
    loop, and shares its token."""
    provider = sync_world.provider
    auth = sync_world.make()
    waiters.target = 1
    gated = GatedTransport(sync_world, waiters)
    outcome: list[int] = []
    other = World(provider, "async", "httpx" if sync_world.http is httpx2 else "httpx2")

    def in_thread() -> None:
        with sync_world.http.Client(auth=auth, transport=gated, verify=SSL_CONTEXT) as http:
            outcome.append(http.get(provider.me_url).status_code)

    async def main() -> int:
        thread = threading.Thread(target=in_thread)
        thread.start()
        for _ in range(10_000):  # bounded: until the thread's token request is in flight
            if auth.stats.token_requests:
                break
            await asyncio.sleep(0.001)
        transport = other.async_transport()
        async with other.http.AsyncClient(
            auth=auth, transport=transport, verify=SSL_CONTEXT
        ) as http:
            status = (await http.get(provider.me_url)).status_code
        thread.join(30)
        return status

    assert asyncio.run(main()) == 200
    assert outcome == [200]
    assert waiters.count == 1
    assert len(provider.token_requests) == 1
