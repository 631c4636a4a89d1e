"""aiohttp answered in-process, at the connection: aiohttp does everything else itself.

The hook replaces ``aiohttp.TCPConnector._create_connection``, the one place where aiohttp's
default connector opens a socket (after the pool found no idle connection). For a registered
origin it returns aiohttp's own ``ResponseHandler`` bound to an in-memory transport instead:
aiohttp writes its request bytes there, they are parsed with h11, answered by the target and
fed back as HTTP/1.1 bytes. So auth, cookies, redirects, ``raise_for_status``, keep-alive and
aiohttp's own timeouts (``ClientTimeout(sock_read=...)``, ``total``) behave exactly as with a
server, with no DNS lookup and no socket. A scripted drop closes the connection unanswered
(aiohttp raises ``ServerDisconnectedError``, a ``ClientConnectionError``); a delay is awaited
without blocking the loop and cut short when the provider's faults are cleared.

``aioresponses`` replaces ``ClientSession._request``, above the connector: while it is active
the provider is reached through its own pass-through (``aioresponses(passthrough=[url])``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any
from urllib.parse import unquote, urlsplit

import aiohttp
import h11
from aiohttp.client_proto import ResponseHandler

from mock_provider.protocol.http import Headers, Request, Response

from . import routing
from .fault_wait import async_wait_out

__all__ = ["InProcessTransport", "patches"]


class InProcessTransport(asyncio.Transport):
    """An asyncio transport whose peer is ``target``: what is written is an HTTP/1.1
    request, what the protocol receives is the target's answer."""

    def __init__(
        self, protocol: asyncio.Protocol, target: routing.Target, scheme: str, host: str
    ) -> None:
        super().__init__()
        self._protocol = protocol
        self._target = target
        self._scheme = scheme
        self._host = host
        self._http = h11.Connection(h11.SERVER)
        self._head: h11.Request | None = None
        self._body = bytearray()
        self._answering: asyncio.Task[None] | None = None
        self._closing = False

    # -- what aiohttp writes ----------------------------------------------------------------

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if self._closing:
            return
        self._http.receive_data(bytes(data))
        self._read_events()

    def writelines(self, list_of_data: Iterable[bytes | bytearray | memoryview]) -> None:
        self.write(b"".join(bytes(chunk) for chunk in list_of_data))

    def _read_events(self) -> None:
        while True:
            try:
                event = self._http.next_event()
            except h11.RemoteProtocolError:
                self.close()
                return
            if isinstance(event, h11.Request):
                self._head, self._body = event, bytearray()
            elif isinstance(event, h11.Data):
                self._body += event.data
            elif isinstance(event, h11.EndOfMessage) and self._head is not None:
                request = self._to_provider_request(self._head, bytes(self._body))
                self._answering = asyncio.get_running_loop().create_task(self._answer(request))
                return
            else:  # NEED_DATA, PAUSED (a request is being answered) or ConnectionClosed
                return

    def _to_provider_request(self, head: h11.Request, body: bytes) -> Request:
        target = head.target.decode("ascii", "replace")
        if not target.startswith("/"):  # the absolute form, sent to a proxy
            parts = urlsplit(target)
            target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        path, _, query = target.partition("?")
        return Request(
            method=head.method.decode("ascii"),
            path=unquote(path, errors="replace"),
            query=query,
            headers=Headers((k.decode("latin-1"), v.decode("latin-1")) for k, v in head.headers),
            body=body,
            scheme=self._scheme,
            host=self._host,
        )

    # -- what the target answers ------------------------------------------------------------

    async def _answer(self, request: Request) -> None:
        response = self._target.handle(request)
        # No timeout here: aiohttp's own read timers run on the protocol, as with a socket.
        outcome = await async_wait_out(response, None)
        if self._closing:
            return
        if outcome == "drop":
            self.close()
            return
        self._protocol.data_received(self._serialize(request, response))
        if self._http.our_state is h11.DONE and self._http.their_state is h11.DONE:
            self._http.start_next_cycle()
            self._read_events()  # a pipelined request already written
        else:
            self.close()

    def _serialize(self, request: Request, response: Response) -> bytes:
        headers = list(response.headers)
        if response.header("content-length") is None:
            headers.append(("Content-Length", str(len(response.body))))
        out = self._http.send(h11.Response(status_code=response.status, headers=headers))
        if request.method != "HEAD" and response.body:
            out = (out or b"") + (self._http.send(h11.Data(data=response.body)) or b"")
        return (out or b"") + (self._http.send(h11.EndOfMessage()) or b"")

    # -- the rest of asyncio.Transport --------------------------------------------------------

    def is_closing(self) -> bool:
        return self._closing

    def close(self) -> None:
        if self._closing:
            return
        self._closing = True
        if self._answering is not None and not self._answering.done():
            self._answering.cancel()
        asyncio.get_running_loop().call_soon(self._protocol.connection_lost, None)

    def abort(self) -> None:
        self.close()

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        if name in ("peername", "sockname"):
            return ("127.0.0.1", 0)
        return default

    def is_reading(self) -> bool:
        return not self._closing

    def pause_reading(self) -> None:
        """Nothing to pause: answers arrive whole."""

    def resume_reading(self) -> None:
        """Nothing to resume: answers arrive whole."""

    def get_write_buffer_size(self) -> int:
        return 0

    def set_write_buffer_limits(self, high: int | None = None, low: int | None = None) -> None:
        """Writes never buffer."""

    def can_write_eof(self) -> bool:
        return False


def patches() -> tuple[routing.Patch, ...]:
    """What answers registered origins for every ``aiohttp.ClientSession`` using the default
    ``TCPConnector``: a ``TCPConnector._create_connection`` wrapping the one there now."""
    original: Any = aiohttp.TCPConnector._create_connection

    async def _create_connection(
        self: aiohttp.TCPConnector, req: Any, traces: Any, timeout: Any
    ) -> ResponseHandler:
        url = req.url
        target = routing.lookup(url.scheme, url.host or "", url.port)
        if target is None:
            return await original(self, req, traces, timeout)  # type: ignore[no-any-return]
        protocol = ResponseHandler(asyncio.get_running_loop())
        protocol.connection_made(InProcessTransport(protocol, target, url.scheme, url.host))
        return protocol

    return ((aiohttp.TCPConnector, "_create_connection", _create_connection, original),)
