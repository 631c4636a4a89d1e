"""httpx2 (sync and async) answered in-process, as httpx is.

httpx2 is the maintained fork of httpx 0.28.1 (same API, its own classes: an ``httpx``
transport or auth is refused by an ``httpx2`` client), so it needs transports of its own and a
hook of its own. The hook replaces the two network entry points of httpx2's default
transports, ``HTTPTransport.handle_request`` and ``AsyncHTTPTransport.handle_async_request``,
as :mod:`.httpx_hook` does for httpx: clients a library builds itself are
answered for registered origins; explicit transports (``httpx2.MockTransport``, ASGI, WSGI)
and every other origin are left alone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

import httpx2

from mock_provider.protocol.http import Headers, Request, Response

from . import routing
from .fault_wait import Outcome, async_wait_out, wait_out

__all__ = ["AsyncProviderTransport", "ProviderTransport", "install"]


def to_provider_request(request: httpx2.Request, body: bytes) -> Request:
    """Translate an ``httpx2.Request`` (whose body was read) to the provider's model."""
    url = request.url
    return Request(
        method=request.method,
        path=unquote(url.raw_path.split(b"?", 1)[0].decode("ascii"), errors="replace"),
        query=url.query.decode("ascii", "replace"),
        headers=Headers(request.headers.multi_items()),
        body=body,
        scheme=url.scheme,
        host=url.host,
    )


def _read_timeout(request: httpx2.Request) -> float | None:
    timeout = request.extensions.get("timeout", {}).get("read")
    return float(timeout) if timeout is not None else None


def _answer(response: Response, request: httpx2.Request, outcome: Outcome) -> httpx2.Response:
    # httpx2 applies timeouts in its network transports, so an in-process transport raises
    # what they would: ReadTimeout past the read timeout, ReadError for a reset connection.
    if outcome == "timeout":
        raise httpx2.ReadTimeout(
            "timed out waiting for the mock provider (scripted delay)", request=request
        )
    if outcome == "drop":
        raise httpx2.ReadError(
            "[Errno 104] Connection reset by peer (scripted drop)", request=request
        )
    return httpx2.Response(
        response.status, headers=response.headers, content=response.body, request=request
    )


class ProviderTransport(httpx2.BaseTransport):
    """A sync httpx2 transport answered in-process by ``target`` (a provider)."""

    def __init__(self, target: routing.Target) -> None:
        self.target = target

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        """Answer ``request`` from the target."""
        response = self.target.handle(to_provider_request(request, request.read()))
        return _answer(response, request, wait_out(response, _read_timeout(request)))


class AsyncProviderTransport(httpx2.AsyncBaseTransport):
    """An async httpx2 transport answered in-process; delays never block the event loop."""

    def __init__(self, target: routing.Target) -> None:
        self.target = target

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        """Answer ``request`` from the target."""
        response = self.target.handle(to_provider_request(request, await request.aread()))
        outcome = await async_wait_out(response, _read_timeout(request))
        return _answer(response, request, outcome)


def _target(request: httpx2.Request) -> routing.Target | None:
    url = request.url
    return routing.lookup(url.scheme, url.host, url.port)


def install() -> Callable[[], None]:
    """Answer registered origins from httpx2's default transports; return the undo.

    The undo restores httpx2's own methods unless something patched them after this hook
    (then the hook stays, passing everything through once nothing is registered).
    """
    network_sync: Any = httpx2.HTTPTransport.handle_request
    network_async: Any = httpx2.AsyncHTTPTransport.handle_async_request

    def handle_request(self: httpx2.HTTPTransport, request: httpx2.Request) -> httpx2.Response:
        target = _target(request)
        if target is None:
            return network_sync(self, request)  # type: ignore[no-any-return]
        return ProviderTransport(target).handle_request(request)

    async def handle_async_request(
        self: httpx2.AsyncHTTPTransport, request: httpx2.Request
    ) -> httpx2.Response:
        target = _target(request)
        if target is None:
            return await network_async(self, request)  # type: ignore[no-any-return]
        return await AsyncProviderTransport(target).handle_async_request(request)

    httpx2.HTTPTransport.handle_request = handle_request  # type: ignore[method-assign]
    httpx2.AsyncHTTPTransport.handle_async_request = handle_async_request  # type: ignore[method-assign]

    def undo() -> None:
        if httpx2.HTTPTransport.handle_request is handle_request:
            httpx2.HTTPTransport.handle_request = network_sync  # type: ignore[method-assign]
        if httpx2.AsyncHTTPTransport.handle_async_request is handle_async_request:
            httpx2.AsyncHTTPTransport.handle_async_request = network_async  # type: ignore[method-assign]

    return undo
