"""Loopback servers started once per session (per xdist worker), reset for every test.

A socket server costs a bind and a thread; a provider costs a few dicts. So each session keeps
one server per scheme (HTTP, and HTTPS when a test asks for ``tls=True``) that answers
from whichever provider the current test installed. Resetting is installing a fresh
provider: clients, tokens, recording, faults, quirks and clock are all new, and a request
still in flight from the previous test finishes against the provider it started with.

Layering: uses only what :mod:`mock_provider` exports (``ProviderServer``, ``Served``,
``Request``, ``Response``); imported by the ``oauth_server`` fixtures on first use.
"""

from __future__ import annotations

import json
from types import TracebackType

from mock_provider import MockProvider, ProviderServer, Served
from mock_provider.protocol import Request, Response

__all__ = ["ServerPool"]

_IDLE_BODY = json.dumps(
    {
        "error": "temporarily_unavailable",
        "error_description": "no test is using oauth_server right now",
    }
).encode()


class _Slot(Served):
    """What a :class:`ProviderServer` serves (a :class:`~mock_provider.Served`): whichever
    provider the current test installed, or a 503 between tests."""

    def __init__(self) -> None:
        self.provider: MockProvider | None = None
        self.url = ""

    def bind_url(self, url: str) -> None:
        """Remember the server's URL (each test's provider gets it as its issuer)."""
        self.url = url

    def handle(self, request: Request) -> Response:
        provider = self.provider
        if provider is None:
            return Response(503, [("Content-Type", "application/json")], _IDLE_BODY)
        response: Response = provider.handle(request)
        return response


class ServerPool:
    """The session's loopback servers, started on first use; a context manager."""

    def __init__(self) -> None:
        self._servers: dict[bool, tuple[ProviderServer, _Slot]] = {}

    def _server(self, tls: bool) -> tuple[ProviderServer, _Slot]:
        if tls not in self._servers:
            slot = _Slot()
            server = ProviderServer(slot, tls=tls).start()
            self._servers[tls] = (server, slot)
        return self._servers[tls]

    def url(self, *, tls: bool) -> str:
        """The URL of the HTTP (or HTTPS) server, starting it if needed."""
        return self._server(tls)[1].url  # bound by the server at its start

    def ca_path(self, *, tls: bool) -> str | None:
        """The CA bundle of the HTTPS server (``None`` for HTTP)."""
        return self._server(tls)[0].ca_path

    def install(self, provider: MockProvider, *, tls: bool) -> None:
        """Make ``provider`` answer every request to the server from now on."""
        self._server(tls)[1].provider = provider

    def uninstall(self, *, tls: bool) -> None:
        """Answer 503 until the next test installs its provider."""
        if tls in self._servers:
            self._servers[tls][1].provider = None

    def close(self) -> None:
        """Stop every server and wait for its thread."""
        for server, _ in self._servers.values():
            server.stop()
        self._servers.clear()

    def __enter__(self) -> ServerPool:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
