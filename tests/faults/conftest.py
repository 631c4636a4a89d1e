"""Fixtures for the failure-scripting tests: one provider, reached three ways.

``reach`` is parametrized over the socket server, the sync in-process transport and the
async in-process transport, so each fault and quirk is proven end-to-end in every mode.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import anyio
import httpx
import pytest

from mock_provider import ManualClock, MockProvider

NOW = 1_700_000_000
CLIENT_ID = "fault-client"
CLIENT_SECRET = "fault-secret-s3cr3t-value-0123"
OTHER_ID = "other-client"
OTHER_SECRET = "other-secret-s3cr3t-value-4567"
TOKEN_FORM = {"grant_type": "client_credentials"}


class Reach:
    """Send requests to a provider over one transport mode; same API for all three."""

    def __init__(self, provider: MockProvider, mode: str, base_url: str) -> None:
        self.provider, self.mode, self.base_url = provider, mode, base_url

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """Send one request; raises what httpx raises (timeouts, dropped connections)."""
        timeout = kwargs.pop("timeout", 5.0)
        if self.mode == "async":

            async def send() -> httpx.Response:
                transport = self.provider.async_transport()
                async with httpx.AsyncClient(
                    transport=transport, base_url=self.base_url, timeout=timeout
                ) as client:
                    response = await client.request(method, path, **kwargs)
                    await response.aread()
                    return response

            return anyio.run(send)
        transport = self.provider.transport() if self.mode == "sync" else None
        with httpx.Client(transport=transport, base_url=self.base_url, timeout=timeout) as client:
            return client.request(method, path, **kwargs)

    def token(
        self, client_id: str = CLIENT_ID, secret: str = CLIENT_SECRET, **kwargs: Any
    ) -> httpx.Response:
        """A client credentials token request with HTTP Basic authentication."""
        data = {**TOKEN_FORM, **kwargs.pop("data", {})}
        return self.request(
            "POST", self.provider.paths["token"], auth=(client_id, secret), data=data, **kwargs
        )

    def me(self, token: str, **kwargs: Any) -> httpx.Response:
        """Call the protected "me" API with ``token``."""
        headers = {"Authorization": f"Bearer {token}"}
        return self.request("GET", "/api/me", headers=headers, **kwargs)


@pytest.fixture
def provider() -> MockProvider:
    """A provider on a manual clock with two clients."""
    provider = MockProvider(clock=ManualClock(NOW))
    provider.add_client(CLIENT_ID, CLIENT_SECRET, scopes=("read", "write"))
    provider.add_client(OTHER_ID, OTHER_SECRET, scopes=("read",))
    return provider


@pytest.fixture(params=["socket", "sync", "async"])
def reach(request: pytest.FixtureRequest, provider: MockProvider) -> Iterator[Reach]:
    """The provider reached over a loopback socket, or in-process (sync or async)."""
    if request.param == "socket":
        with provider.serve() as server:
            yield Reach(provider, "socket", server.url)
            provider.clear_faults()  # release any request thread still in a scripted hang
    else:
        yield Reach(provider, request.param, provider.url)
