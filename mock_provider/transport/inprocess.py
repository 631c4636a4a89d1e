"""In-process ways for httpx to reach a provider: sync and async transports, and respx.

These hand the provider's own request model straight to the served object's ``handle``,
with no WSGI round trip, so an in-process token costs little more than httpx itself. A
scripted delay is waited out on the answering provider's fault queue
(:meth:`~mock_provider.faults.queue.FaultResponse.wait` / ``wait_async``), as on a socket.

Layering: imports ``protocol`` and ``faults.queue`` only; serves any
:class:`~mock_provider.protocol.http.Served`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urlsplit

import httpx

from mock_provider.faults.queue import FaultResponse
from mock_provider.protocol.http import Headers, Request, Response, Served

__all__ = ["AsyncProviderTransport", "ProviderTransport", "respx_router"]


def to_provider_request(request: httpx.Request, body: bytes) -> Request:
    """Translate an ``httpx.Request`` (whose body was read) to the provider's model."""
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


def _read_timeout(request: httpx.Request) -> float | None:
    timeout = request.extensions.get("timeout", {}).get("read")
    return float(timeout) if timeout is not None else None


def _fault_error(response: FaultResponse, request: httpx.Request, waited: bool) -> None:
    # httpx applies timeouts in its network transports, so an in-process transport raises
    # the same exceptions itself: ReadTimeout for a delay past the read timeout, ReadError
    # (what a reset socket gives) for a dropped connection.
    if waited:
        raise httpx.ReadTimeout(
            "timed out waiting for the mock provider (scripted delay)", request=request
        )
    if response.drop:
        raise httpx.ReadError(
            "[Errno 104] Connection reset by peer (scripted drop)", request=request
        )


def fault_effects(response: Response, request: httpx.Request) -> None:
    """Carry out a fault's delay (blocking this thread) and drop for a sync transport.

    Raises:
        httpx.ReadTimeout: when the delay is longer than the request's read timeout.
        httpx.ReadError: for a dropped connection.
    """
    if not isinstance(response, FaultResponse):
        return
    seconds, too_long = response.wait_for(_read_timeout(request))
    response.wait(seconds)
    _fault_error(response, request, too_long)


async def async_fault_effects(response: Response, request: httpx.Request) -> None:
    """:func:`fault_effects` for an async transport: waits without blocking the loop,
    cut short when the answering provider's faults are cleared."""
    if not isinstance(response, FaultResponse):
        return
    seconds, too_long = response.wait_for(_read_timeout(request))
    await response.wait_async(seconds)
    _fault_error(response, request, too_long)


def to_httpx_response(response: Response, request: httpx.Request) -> httpx.Response:
    """Translate the provider's response to an ``httpx.Response`` for ``request``."""
    return httpx.Response(
        response.status,
        headers=response.headers,
        content=response.body,
        request=request,
    )


class ProviderTransport(httpx.BaseTransport):
    """A sync httpx transport answered in-process by a provider (any ``Served``)."""

    def __init__(self, target: Served) -> None:
        self.target = target

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Answer ``request`` from the provider."""
        body = request.read()
        response = self.target.handle(to_provider_request(request, body))
        fault_effects(response, request)
        return to_httpx_response(response, request)


class AsyncProviderTransport(httpx.AsyncBaseTransport):
    """An async httpx transport answered by a provider in-process.

    httpx's own ``WSGITransport`` is sync-only; this one awaits the request body and answers
    without blocking the event loop on I/O (the provider does none).
    """

    def __init__(self, target: Served) -> None:
        self.target = target

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Answer ``request`` from the provider."""
        body = await request.aread()
        response = self.target.handle(to_provider_request(request, body))
        await async_fault_effects(response, request)
        return to_httpx_response(response, request)


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
        body = request.read()
        response = target.handle(to_provider_request(request, body))
        fault_effects(response, request)  # respx calls this synchronously
        return to_httpx_response(response, request)

    lookups: dict[str, Any] = {"scheme": parts.scheme, "host": parts.hostname}
    if parts.port is not None:
        lookups["port"] = parts.port
    return router.route(**lookups).mock(side_effect=side_effect)
