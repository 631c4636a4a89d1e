"""The routing table's hook for httpx: answers registered origins from httpx's own default
transports, so clients a library builds itself are reached.

It replaces the two network entry points, ``HTTPTransport.handle_request`` and
``AsyncHTTPTransport.handle_async_request``, for as long as something is registered: a
request for a registered origin is answered by the in-process transports of
:mod:`.inprocess` (async clients get the async one, so a delay never blocks the loop); every
other request, and every explicit transport (``httpx.MockTransport``, respx, ASGI, WSGI),
is left alone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from . import routing
from .inprocess import AsyncProviderTransport, ProviderTransport

__all__ = ["install"]


def _target(request: httpx.Request) -> routing.Target | None:
    url = request.url
    return routing.lookup(url.scheme, url.host, url.port)


def install() -> Callable[[], None]:
    """Answer registered origins from httpx's default transports; return the undo.

    The undo restores httpx's own methods unless something patched them after this hook
    (then the hook stays, passing everything through once nothing is registered).
    """
    network_sync: Any = httpx.HTTPTransport.handle_request
    network_async: Any = httpx.AsyncHTTPTransport.handle_async_request

    def handle_request(self: httpx.HTTPTransport, request: httpx.Request) -> httpx.Response:
        target = _target(request)
        if target is None:
            return network_sync(self, request)  # type: ignore[no-any-return]
        return ProviderTransport(target).handle_request(request)

    async def handle_async_request(
        self: httpx.AsyncHTTPTransport, request: httpx.Request
    ) -> httpx.Response:
        target = _target(request)
        if target is None:
            return await network_async(self, request)  # type: ignore[no-any-return]
        return await AsyncProviderTransport(target).handle_async_request(request)

    httpx.HTTPTransport.handle_request = handle_request  # type: ignore[method-assign]
    httpx.AsyncHTTPTransport.handle_async_request = handle_async_request  # type: ignore[method-assign]

    def undo() -> None:
        if httpx.HTTPTransport.handle_request is handle_request:
            httpx.HTTPTransport.handle_request = network_sync  # type: ignore[method-assign]
        if httpx.AsyncHTTPTransport.handle_async_request is handle_async_request:
            httpx.AsyncHTTPTransport.handle_async_request = network_async  # type: ignore[method-assign]

    return undo
