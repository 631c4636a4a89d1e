"""Fixtures for the reference client's tests: one provider, one clock, four ways to reach it.

``world`` runs a test against the mock provider in-process (sync and async httpx clients)
and over a loopback socket (sync and async). Time is a ``ManualClock`` shared by the provider
and the client; retry sleeps advance it instead of sleeping.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from mock_provider import ManualClock, MockProvider
from pytest_oauthcc import ClientCredentials

START = 1_800_000_000.0
CLIENT_ID = "app"
SECRET = "s3cret-value-0123456789"
# Loading the CA bundle costs ~90 ms per httpx client; tests make many clients, so share one.
SSL_CONTEXT = ssl.create_default_context()


class FakeSleeper:
    """Records each requested sleep and advances the clock by it instead of sleeping."""

    def __init__(self, clock: ManualClock) -> None:
        self.clock = clock
        self.sleeps: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.clock.advance(seconds)

    async def asleep(self, seconds: float) -> None:
        self(seconds)


class World:
    """A provider plus a way to make requests in one mode (sync/async, in-process/socket)."""

    def __init__(self, provider: MockProvider, mode: str) -> None:
        self.provider = provider
        self.mode = mode
        clock = provider.clock
        assert isinstance(clock, ManualClock)
        self.clock = clock
        self.sleeper = FakeSleeper(self.clock)

    @property
    def is_async(self) -> bool:
        return self.mode.endswith("async")

    def make(self, **options: Any) -> ClientCredentials:
        """A client for the registered app, on the shared clock and fake sleeper."""
        options.setdefault("clock", self.clock)
        options.setdefault("sleep", self.sleeper)
        options.setdefault("async_sleep", self.sleeper.asleep)
        options.setdefault("revocation_url", self.provider.revocation_url)
        client_id = options.pop("client_id", CLIENT_ID)
        secret = options.pop("client_secret", SECRET)
        return ClientCredentials(self.provider.token_url, client_id, secret, **options)

    def _sync_client(self, auth: ClientCredentials | None) -> httpx.Client:
        if self.mode.startswith("socket"):
            return httpx.Client(auth=auth, verify=SSL_CONTEXT)
        return httpx.Client(auth=auth, transport=self.provider.transport(), verify=SSL_CONTEXT)

    def _async_client(self, auth: ClientCredentials | None) -> httpx.AsyncClient:
        if self.mode.startswith("socket"):
            return httpx.AsyncClient(auth=auth, verify=SSL_CONTEXT)
        return httpx.AsyncClient(
            auth=auth, transport=self.provider.async_transport(), verify=SSL_CONTEXT
        )

    def _run(self, auth: ClientCredentials | None, call: Callable[[Any], Any]) -> Any:
        if not self.is_async:
            with self._sync_client(auth) as http:
                return call(http)

        async def main() -> Any:
            async with self._async_client(auth) as http:
                result = call(http)
                return await result

        return asyncio.run(main())

    def request(self, auth: ClientCredentials, method: str, url: str, **kw: Any) -> httpx.Response:
        """One API request through ``auth``."""
        return self._run(auth, lambda http: http.request(method, url, **kw))  # type: ignore[no-any-return]

    def get(self, auth: ClientCredentials, url: str | None = None) -> httpx.Response:
        """GET the provider's "me" API (or ``url``) through ``auth``."""
        return self.request(auth, "GET", url or self.provider.me_url)

    def fetch_token(self, auth: ClientCredentials) -> str:
        """``fetch_token``/``afetch_token`` depending on the mode."""
        if self.is_async:
            return self._run(None, auth.afetch_token)  # type: ignore[no-any-return]
        return self._run(None, auth.fetch_token)  # type: ignore[no-any-return]

    def revoke(self, auth: ClientCredentials) -> bool:
        """``revoke``/``arevoke`` depending on the mode."""
        if self.is_async:
            return self._run(None, auth.arevoke)  # type: ignore[no-any-return]
        return self._run(None, auth.revoke)  # type: ignore[no-any-return]


def new_provider(**options: Any) -> MockProvider:
    """A provider on a fresh manual clock with the test app registered."""
    provider = MockProvider(clock=ManualClock(START), **options)
    provider.add_client(CLIENT_ID, SECRET, scopes=["read", "write"])
    return provider


@pytest.fixture
def provider() -> MockProvider:
    return new_provider()


@pytest.fixture(params=["sync", "async", "socket-sync", "socket-async"])
def world(request: pytest.FixtureRequest) -> Iterator[World]:
    provider = new_provider()
    if request.param.startswith("socket"):
        with provider.serve():
            yield World(provider, request.param)
    else:
        yield World(provider, request.param)


@pytest.fixture(params=["sync", "async"])
def local(request: pytest.FixtureRequest) -> World:
    """Like ``world`` but in-process only (for behaviours the transport cannot change)."""
    return World(new_provider(), request.param)
