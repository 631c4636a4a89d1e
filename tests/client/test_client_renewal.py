"""Caching and renewal: lazy first fetch, reuse, renewal timing, the sticky-token guard."""

from __future__ import annotations

import httpx
import pytest

from mock_provider import ManualClock
from pytest_oauthcc import ClientCredentials, TokenCache

from .conftest import CLIENT_ID, SECRET, START, World


def test_first_token_is_fetched_lazily_then_reused(world: World) -> None:
    auth = world.make()
    assert world.provider.token_requests == []
    for _ in range(3):
        assert world.get(auth).status_code == 200
    assert len(world.provider.token_requests) == 1
    stats = auth.stats
    assert (stats.token_requests, stats.cache_hits, stats.renewals) == (1, 2, 0)


def test_renewed_renew_before_seconds_early(world: World) -> None:
    auth = world.make(renew_before=60)
    world.get(auth)
    world.clock.advance(3600 - 60 - 1)
    world.get(auth)
    assert len(world.provider.token_requests) == 1
    world.clock.advance(1)
    world.get(auth)
    assert len(world.provider.token_requests) == 2
    assert auth.stats.renewals == 1


def test_renew_before_is_clamped_to_half_a_short_lifetime(local: World) -> None:
    local.provider.add_client(CLIENT_ID, SECRET, expires_in=100)
    auth = local.make(renew_before=300)
    local.get(auth)
    local.clock.advance(49)
    local.get(auth)
    assert len(local.provider.token_requests) == 1
    local.clock.advance(1)
    local.get(auth)
    assert len(local.provider.token_requests) == 2


def test_expiry_is_anchored_at_the_time_the_request_was_sent() -> None:
    clock = ManualClock(START)
    token_requests = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            token_requests.append(clock.time())
            clock.advance(30)  # a slow token endpoint: 30 s pass before the answer arrives
            return httpx.Response(
                200,
                json={
                    "access_token": f"t{len(token_requests)}",
                    "token_type": "Bearer",
                    "expires_in": 100,
                },
            )
        return httpx.Response(200)

    auth = ClientCredentials("https://as.test/t", "id", "s", clock=clock, renew_before=0)
    with httpx.Client(transport=httpx.MockTransport(handler), auth=auth) as http:
        http.get("https://api.test/")  # sent at START, answered at START+30
        clock.set(START + 99.5)
        http.get("https://api.test/")
        assert len(token_requests) == 1
        clock.set(START + 100)  # 100 s after sending, only 70 after the answer
        http.get("https://api.test/")
        assert token_requests == [START, START + 100]


class SteppedClock:
    """Wall time that can jump backwards; monotonic time that cannot."""

    def __init__(self) -> None:
        self.wall = START
        self.mono = 1000.0

    def time(self) -> float:
        return self.wall

    def monotonic(self) -> float:
        return self.mono


def test_lifetime_is_measured_on_the_monotonic_clock() -> None:
    clock = SteppedClock()
    count = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal count
        if request.method == "POST":
            count += 1
            return httpx.Response(200, json={"access_token": "t", "expires_in": 3600})
        return httpx.Response(200)

    auth = ClientCredentials("https://as.test/t", "id", "s", clock=clock)
    with httpx.Client(transport=httpx.MockTransport(handler), auth=auth) as http:
        http.get("https://api.test/")
        clock.wall -= 86_400  # someone set the wall clock back a day
        clock.mono += 3600
        http.get("https://api.test/")
    assert count == 2


def test_sticky_token_guard_prevents_a_refetch_loop(world: World) -> None:
    world.provider.set_quirks(sticky_token=True)
    auth = world.make(renew_before=60)
    world.get(auth)
    first = world.provider.token_requests[0].time
    world.clock.advance(3550)
    world.get(auth)  # due: renews, and gets the same token back with 50 s left
    assert len(world.provider.token_requests) == 2
    for _ in range(5):
        world.clock.advance(9)
        assert world.get(auth).status_code == 200
    assert len(world.provider.token_requests) == 2
    world.clock.set(first + 3600)  # the sticky token really expired: a new one
    assert world.get(auth).status_code == 200
    assert len(world.provider.token_requests) == 3
    tokens = {r.token for r in world.provider.requests if r.endpoint == "me"}
    assert len(tokens) == 2


def test_cache_key_covers_configuration_and_fingerprints_the_secret() -> None:
    base = ClientCredentials("https://as.test/t", "id", "secret-one", scopes=["a"])
    assert "secret-one" not in repr(base.cache_key)
    variants = [
        ClientCredentials("https://as.test/t", "id", "secret-two", scopes=["a"]),
        ClientCredentials("https://as.test/u", "id", "secret-one", scopes=["a"]),
        ClientCredentials("https://as.test/t", "id2", "secret-one", scopes=["a"]),
        ClientCredentials("https://as.test/t", "id", "secret-one", scopes=["b"]),
        ClientCredentials("https://as.test/t", "id", "secret-one", scopes=["a"], audience="x"),
        ClientCredentials("https://as.test/t", "id", "secret-one", scopes=["a"], resource="u:r"),
        ClientCredentials(
            "https://as.test/t", "id", "secret-one", scopes=["a"], extra_params={"k": "v"}
        ),
    ]
    keys = {base.cache_key, *(v.cache_key for v in variants)}
    assert len(keys) == 1 + len(variants)
    same = ClientCredentials("https://as.test/t", "id", "secret-one", scopes=["a"])
    assert same.cache_key == base.cache_key


@pytest.mark.parametrize(("scopes", "shared"), [(["read"], True), (["write"], False)])
def test_a_shared_cache_serves_identical_clients_only(
    local: World, scopes: list[str], shared: bool
) -> None:
    cache = TokenCache()
    one = local.make(scopes=["read"], cache=cache)
    two = local.make(scopes=scopes, cache=cache)
    local.get(one)
    local.get(two)
    assert len(local.provider.token_requests) == (1 if shared else 2)


def test_invalidate_drops_the_token_locally(local: World) -> None:
    auth = local.make()
    assert auth.invalidate() is False
    local.get(auth)
    before = auth.token_fingerprint
    assert auth.invalidate() is True
    assert (before is not None, auth.token_fingerprint) == (True, None)
    local.get(auth)
    assert len(local.provider.token_requests) == 2
