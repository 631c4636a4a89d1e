"""Fixtures for the reference client's tests: one provider, one clock, four ways to reach it,
on both httpx stacks.

``world`` runs a test against the mock provider in-process (sync and async clients) and over a
loopback socket (sync and async), each with httpx and with httpx2 (the same
``ClientCredentials`` is their ``auth=``). Time is a ``ManualClock`` shared by the provider
and the client; retry sleeps advance it instead of sleeping.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import httpx2
import pytest

from mock_provider import ManualClock, MockProvider
from mock_provider.transport import httpx2 as httpx2_transport
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
    """A provider plus a way to make requests in one mode (sync/async, in-process/socket) on
    one stack (``http`` is the module: httpx or httpx2)."""

    def __init__(self, provider: MockProvider, mode: str, stack: str = "httpx") -> None:
        self.provider = provider
        self.mode = mode
        self.http: Any = httpx2 if stack == "httpx2" else httpx
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

    def transport(self) -> Any:
        """An in-process sync transport of this world's stack."""
        if self.http is httpx2:
            return httpx2_transport.ProviderTransport(self.provider)
        return self.provider.transport()

    def async_transport(self) -> Any:
        """An in-process async transport of this world's stack."""
        if self.http is httpx2:
            return httpx2_transport.AsyncProviderTransport(self.provider)
        return self.provider.async_transport()

    def _sync_client(self, auth: ClientCredentials | None) -> httpx.Client:
        if self.mode.startswith("socket"):
            return self.http.Client(auth=auth, verify=SSL_CONTEXT)  # type: ignore[no-any-return]
        return self.http.Client(  # type: ignore[no-any-return]
            auth=auth, transport=self.transport(), verify=SSL_CONTEXT
        )

    def _async_client(self, auth: ClientCredentials | None) -> httpx.AsyncClient:
        if self.mode.startswith("socket"):
            return self.http.AsyncClient(auth=auth, verify=SSL_CONTEXT)  # type: ignore[no-any-return]
        return self.http.AsyncClient(  # type: ignore[no-any-return]
            auth=auth, transport=self.async_transport(), verify=SSL_CONTEXT
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


STACKS = ("httpx", "httpx2")


@pytest.fixture(
    params=[
        pytest.param((mode, stack), id=mode if stack == "httpx" else f"{mode}-{stack}")
        for stack in STACKS
        for mode in ("sync", "async", "socket-sync", "socket-async")
    ]
)
def world(request: pytest.FixtureRequest) -> Iterator[World]:
    mode, stack = request.param
    provider = new_provider()
    if mode.startswith("socket"):
        with provider.serve():
            yield World(provider, mode, stack)
    else:
        yield World(provider, mode, stack)


@pytest.fixture(
    params=[
        pytest.param((mode, stack), id=mode if stack == "httpx" else f"{mode}-{stack}")
        for stack in STACKS
        for mode in ("sync", "async")
    ]
)
def local(request: pytest.FixtureRequest) -> World:
    """Like ``world`` but in-process only (for behaviours the transport cannot change)."""
    mode, stack = request.param
    return World(new_provider(), mode, stack)
