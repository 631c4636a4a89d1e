"""httpx2 (sync and async) answered in-process, as httpx is.

httpx2 is the maintained fork of httpx 0.28.1 (same API, its own classes: an ``httpx``
transport or auth is refused by an ``httpx2`` client), so it needs transports of its own and a
hook of its own. The hook replaces the two network entry points of httpx2's default
transports, ``HTTPTransport.handle_request`` and ``AsyncHTTPTransport.handle_async_request``,
as :mod:`.httpx_hook` does for httpx; both are written once in :mod:`.httpx_family`.

Layering: imports httpx2, ``protocol`` and :mod:`.httpx_family` only.
"""

from __future__ import annotations

import httpx2

from mock_provider.protocol.http import Served

from .httpx_family import answer, answer_async, hook_patches
from .routing import Patch

__all__ = ["AsyncProviderTransport", "ProviderTransport", "patches"]


class ProviderTransport(httpx2.BaseTransport):
    """A sync httpx2 transport answered in-process by ``target`` (a provider)."""

    def __init__(self, target: Served) -> None:
        self.target = target

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        """Answer ``request`` from the target."""
        response: httpx2.Response = answer(httpx2, self.target, request)
        return response


class AsyncProviderTransport(httpx2.AsyncBaseTransport):
    """An async httpx2 transport answered in-process; delays never block the event loop."""

    def __init__(self, target: Served) -> None:
        self.target = target

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        """Answer ``request`` from the target."""
        response: httpx2.Response = await answer_async(httpx2, self.target, request)
        return response


def patches() -> tuple[Patch, ...]:
    """What answers registered origins from httpx2's default transports."""
    return hook_patches(httpx2)
