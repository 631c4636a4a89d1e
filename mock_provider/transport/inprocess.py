"""In-process ways for httpx to reach a provider: sync and async transports, and respx.

These hand the provider's own request model straight to the served object's ``handle``,
with no WSGI round trip, so an in-process token costs little more than httpx itself. What
they do is written once for httpx and httpx2 in :mod:`.httpx_family` (a scripted delay is
waited out on the answering provider's fault queue, as on a socket).

Layering: imports httpx, ``protocol`` and :mod:`.httpx_family` only; serves any
:class:`~mock_provider.protocol.http.Served`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import httpx

from mock_provider.protocol.http import Served

from .httpx_family import answer, answer_async

__all__ = ["AsyncProviderTransport", "ProviderTransport", "respx_router"]


class ProviderTransport(httpx.BaseTransport):
    """A sync httpx transport answered in-process by a provider (any ``Served``)."""

    def __init__(self, target: Served) -> None:
        self.target = target

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Answer ``request`` from the provider."""
        response: httpx.Response = answer(httpx, self.target, request)
        return response


class AsyncProviderTransport(httpx.AsyncBaseTransport):
    """An async httpx transport answered by a provider in-process.

    httpx's own ``WSGITransport`` is sync-only; this one awaits the request body and answers
    without blocking the event loop on I/O (the provider does none).
    """

    def __init__(self, target: Served) -> None:
        self.target = target

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Answer ``request`` from the provider."""
        response: httpx.Response = await answer_async(httpx, self.target, request)
        return response


def respx_router(target: Served, url: str, *, assert_all_called: bool = False) -> Any:
    """A respx router sending every request for ``url``'s scheme and host to ``target``.

    Requests to other hosts are not mocked and raise respx's ``AllMockedAssertionError``,
    so a test never reaches the network by accident.
    """
    import respx

    router = respx.mock(assert_all_called=assert_all_called, assert_all_mocked=True)
    route_provider(router, target, url)
    return router


def route_provider(router: Any, target: Served, url: str) -> Any:
    """Add a route to a respx ``router`` answering ``url``'s scheme and host in-process."""
    parts = urlsplit(url)

    def side_effect(request: httpx.Request) -> httpx.Response:
        response: httpx.Response = answer(httpx, target, request)  # respx calls it in sync
        return response

    lookups: dict[str, Any] = {"scheme": parts.scheme, "host": parts.hostname}
    if parts.port is not None:
        lookups["port"] = parts.port
    return router.route(**lookups).mock(side_effect=side_effect)
