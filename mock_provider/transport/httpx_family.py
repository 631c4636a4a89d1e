"""httpx and httpx2 answered in-process by one implementation.

httpx2 is the maintained fork of httpx 0.28.1: the same API with its own classes (an httpx
transport is refused by an httpx2 client and the other way round). So each stack has thin
typed transport classes of its own (:mod:`.inprocess`, :mod:`.httpx2`), and everything they
do - translate the request, ask the served object, wait out a scripted delay through
:mod:`.fault_wait`, raise the stack's own exceptions, hook the default transports - is
written once here, for the stack's module passed in (``httpx`` or ``httpx2``).

Layering: imports ``protocol``, ``faults.queue`` (to tell a scripted answer), :mod:`.fault_wait`
and :mod:`.routing`; never the stacks themselves (their module is an argument).
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from mock_provider.faults.queue import FaultResponse
from mock_provider.protocol.http import Headers, Request, Response, Served

from . import routing
from .fault_wait import Outcome, async_wait_out, wait_out

__all__ = ["answer", "answer_async", "hook_patches", "to_provider_request"]


def to_provider_request(
    request: Any, body: bytes, scheme: str | None = None, host: str | None = None
) -> Request:
    """Translate an ``httpx`` / ``httpx2`` request (whose body was read) to the provider's
    model; ``scheme`` and ``host``: its URL's, when the caller read them already."""
    url = request.url
    return Request(
        request.method,
        url.path,  # percent-decoded as unquote(errors="replace") does, without the query
        url.query.decode("ascii", "replace"),
        Headers(_header_pairs(request.headers), lowercase=True),
        body,
        url.scheme if scheme is None else scheme,
        url.host if host is None else host,
    )


def _header_pairs(headers: Any) -> list[tuple[str, str]]:
    """``headers.multi_items()``: (lower-case name, value) pairs, decoded as the stack does
    (the names are lower-case either way)."""
    try:
        # Both stacks keep (name, lower-case name, value) byte triples in Headers._list, and
        # their encoding in _encoding once asked for or set: ASCII when every field is ASCII,
        # as tried here first (asking Headers.encoding would decode every field once more).
        triples = headers._list
        encoding = headers._encoding
    except AttributeError:  # another layout: the public way
        pairs: list[tuple[str, str]] = headers.multi_items()
        return pairs
    if encoding is None:
        try:
            return [(name.decode("ascii"), value.decode("ascii")) for _, name, value in triples]
        except UnicodeDecodeError:  # not ASCII: the encoding the stack picks
            encoding = headers.encoding
    return [(name.decode(encoding), value.decode(encoding)) for _, name, value in triples]


def _read_timeout(request: Any) -> float | None:
    timeout = request.extensions.get("timeout", {}).get("read")
    return float(timeout) if timeout is not None else None


def _response(http: ModuleType, response: Response, request: Any, outcome: Outcome) -> Any:
    # Both stacks apply timeouts in their network transports, so an in-process transport
    # raises what they would: ReadTimeout past the read timeout, ReadError for a reset.
    if outcome == "timeout":
        raise http.ReadTimeout(
            "timed out waiting for the mock provider (scripted delay)", request=request
        )
    if outcome == "drop":
        raise http.ReadError(
            "[Errno 104] Connection reset by peer (scripted drop)", request=request
        )
    return http.Response(
        response.status, headers=response.headers, content=response.body, request=request
    )


def answer(
    http: ModuleType,
    target: Served,
    request: Any,
    scheme: str | None = None,
    host: str | None = None,
) -> Any:
    """``target``'s answer to ``request`` as a response of the stack ``http``; a scripted
    delay blocks this thread (cut short when the provider's faults are cleared).
    ``scheme`` and ``host``: the request URL's, when the caller read them already."""
    response = target.handle(to_provider_request(request, request.read(), scheme, host))
    if not isinstance(response, FaultResponse):  # nothing scripted: no timeout to read
        return http.Response(
            response.status, headers=response.headers, content=response.body, request=request
        )
    return _response(http, response, request, wait_out(response, _read_timeout(request)))


async def answer_async(
    http: ModuleType,
    target: Served,
    request: Any,
    scheme: str | None = None,
    host: str | None = None,
) -> Any:
    """:func:`answer` for an async client: a delay never blocks the event loop."""
    body = await request.aread()
    response = target.handle(to_provider_request(request, body, scheme, host))
    if not isinstance(response, FaultResponse):
        return http.Response(
            response.status, headers=response.headers, content=response.body, request=request
        )
    outcome = await async_wait_out(response, _read_timeout(request))
    return _response(http, response, request, outcome)


def hook_patches(http: ModuleType) -> tuple[routing.Patch, ...]:
    """What answers registered origins from the stack's default transports.

    The hooks replace the two network entry points, ``HTTPTransport.handle_request`` and
    ``AsyncHTTPTransport.handle_async_request``, wrapping what they are now: clients a library
    builds itself are reached; explicit transports (``MockTransport``, respx, ASGI, WSGI) and
    every other origin are left alone.
    """
    sync_cls: Any = http.HTTPTransport
    async_cls: Any = http.AsyncHTTPTransport
    network_sync = sync_cls.handle_request
    network_async = async_cls.handle_async_request

    # The URL's scheme and host (two properties each) are read once, for the lookup and
    # the provider's request.
    def handle_request(self: Any, request: Any) -> Any:
        url = request.url
        scheme, host = url.scheme, url.host
        target = routing.lookup(scheme, host, url.port)
        if target is None:
            return network_sync(self, request)
        return answer(http, target, request, scheme, host)

    async def handle_async_request(self: Any, request: Any) -> Any:
        url = request.url
        scheme, host = url.scheme, url.host
        target = routing.lookup(scheme, host, url.port)
        if target is None:
            return await network_async(self, request)
        return await answer_async(http, target, request, scheme, host)

    return (
        (sync_cls, "handle_request", handle_request, network_sync),
        (async_cls, "handle_async_request", handle_async_request, network_async),
    )
