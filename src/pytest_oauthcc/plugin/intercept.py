"""Answer httpx requests for the test's issuer hosts in-process, cheaply.

The fixtures used to start a respx router per test: patching httpcore and unpatching it
cost about 2 ms per test, plus about 0.3 ms per request. Here the two entry points of
httpx's own network transports (``HTTPTransport.handle_request`` and
``AsyncHTTPTransport.handle_async_request``) are replaced while at least one provider is
registered, for microseconds: a request whose scheme, host and port name a registered
issuer is answered by that provider's in-process transport (async clients get the async
transport, so scripted delays never block the event loop); every other request goes where
it would without the plugin (loopback servers, the user's own respx or pytest-httpx mocks).

Layering: part of the plugin, the top layer: may import pytest, the client, the connection
checker and what :mod:`mock_provider` exports; nothing outside ``plugin/`` imports it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import httpx

from mock_provider import AsyncProviderTransport, ProviderTransport

if TYPE_CHECKING:
    from mock_provider import MockProvider

__all__ = ["intercept"]

_DEFAULT_PORTS = {"http": 80, "https": 443}
_Key = tuple[str, str, int]
_routes: dict[_Key, tuple[ProviderTransport, AsyncProviderTransport]] = {}
_saved: tuple[Any, Any] | None = None


def _key(scheme: str, host: str, port: int | None) -> _Key:
    return scheme, host.lower(), port if port is not None else _DEFAULT_PORTS.get(scheme, 0)


def _target(request: httpx.Request) -> tuple[ProviderTransport, AsyncProviderTransport] | None:
    url = request.url
    return _routes.get(_key(url.scheme, url.host, url.port))


def intercept(provider: MockProvider) -> Callable[[], None]:
    """Answer httpx requests for ``provider``'s issuer host in-process; return the undo.

    Raises:
        ValueError: if a provider already answers that scheme, host and port.
    """
    global _saved
    parts = urlsplit(provider.url)
    key = _key(parts.scheme, parts.hostname or "", parts.port)
    if key in _routes:
        raise ValueError(f"a provider already answers {parts.scheme}://{parts.netloc}")
    if not _routes:
        _saved = _install()
    _routes[key] = (ProviderTransport(provider), AsyncProviderTransport(provider))

    def undo() -> None:
        global _saved
        if _routes.pop(key, None) is not None and not _routes and _saved is not None:
            sync, async_ = _saved
            httpx.HTTPTransport.handle_request = sync  # type: ignore[method-assign]
            httpx.AsyncHTTPTransport.handle_async_request = async_  # type: ignore[method-assign]
            _saved = None

    return undo


def _install() -> tuple[Any, Any]:
    network_sync = httpx.HTTPTransport.handle_request
    network_async = httpx.AsyncHTTPTransport.handle_async_request

    def handle_request(self: httpx.HTTPTransport, request: httpx.Request) -> httpx.Response:
        target = _target(request)
        if target is None:
            return network_sync(self, request)
        return target[0].handle_request(request)

    async def handle_async_request(
        self: httpx.AsyncHTTPTransport, request: httpx.Request
    ) -> httpx.Response:
        target = _target(request)
        if target is None:
            return await network_async(self, request)
        return await target[1].handle_async_request(request)

    httpx.HTTPTransport.handle_request = handle_request  # type: ignore[method-assign]
    httpx.AsyncHTTPTransport.handle_async_request = handle_async_request  # type: ignore[method-assign]
    return network_sync, network_async
