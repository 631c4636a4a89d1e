"""The routing table's hook for httpx: the same two entry points as
:mod:`pytest_oauthcc._intercept`, answered for every origin in :mod:`.routing`.

It lets one registration answer httpx beside httpx2, requests and aiohttp. The request and
response translations are httpx's existing ones; the fault's delay and drop go through
:mod:`.fault_wait`, like the other stacks.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from mock_provider.transports import to_httpx_response, to_provider_request

from . import routing
from .fault_wait import Outcome, async_wait_out, wait_out

__all__ = ["install"]


def _read_timeout(request: httpx.Request) -> float | None:
    timeout = request.extensions.get("timeout", {}).get("read")
    return float(timeout) if timeout is not None else None


def _raise_for(outcome: Outcome, request: httpx.Request) -> None:
    # What httpx's network transports raise: ReadTimeout, and ReadError for a reset socket.
    if outcome == "timeout":
        raise httpx.ReadTimeout(
            "timed out waiting for the mock provider (scripted delay)", request=request
        )
    if outcome == "drop":
        raise httpx.ReadError(
            "[Errno 104] Connection reset by peer (scripted drop)", request=request
        )


def _target(request: httpx.Request) -> routing.Target | None:
    url = request.url
    return routing.lookup(url.scheme, url.host, url.port)


def install() -> Callable[[], None]:
    """Answer registered origins from httpx's default transports; return the undo."""
    network_sync: Any = httpx.HTTPTransport.handle_request
    network_async: Any = httpx.AsyncHTTPTransport.handle_async_request

    def handle_request(self: httpx.HTTPTransport, request: httpx.Request) -> httpx.Response:
        target = _target(request)
        if target is None:
            return network_sync(self, request)  # type: ignore[no-any-return]
        response = target.handle(to_provider_request(request, request.read()))
        _raise_for(wait_out(response, _read_timeout(request)), request)
        return to_httpx_response(response, request)

    async def handle_async_request(
        self: httpx.AsyncHTTPTransport, request: httpx.Request
    ) -> httpx.Response:
        target = _target(request)
        if target is None:
            return await network_async(self, request)  # type: ignore[no-any-return]
        response = target.handle(to_provider_request(request, await request.aread()))
        _raise_for(await async_wait_out(response, _read_timeout(request)), request)
        return to_httpx_response(response, request)

    httpx.HTTPTransport.handle_request = handle_request  # type: ignore[method-assign]
    httpx.AsyncHTTPTransport.handle_async_request = handle_async_request  # type: ignore[method-assign]

    def undo() -> None:
        if httpx.HTTPTransport.handle_request is handle_request:
            httpx.HTTPTransport.handle_request = network_sync  # type: ignore[method-assign]
        if httpx.AsyncHTTPTransport.handle_async_request is handle_async_request:
            httpx.AsyncHTTPTransport.handle_async_request = network_async  # type: ignore[method-assign]

    return undo
