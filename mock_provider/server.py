"""A provider on a real loopback socket: threaded werkzeug server, optional TLS.

Start-up is binding a socket and starting one daemon thread (no polling loop to wait on):
``serve_forever`` is already accepting by the time :meth:`ProviderServer.start` returns,
because the listening socket exists before the thread starts.
"""

from __future__ import annotations

import json
import logging
import socket
import ssl
import struct
import tempfile
import threading
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from .errors import MockProviderError, sanitize_description
from .faults import ConnectionDropped

if TYPE_CHECKING:
    from .provider import MockProvider

__all__ = ["ProviderServer"]


class _QuietHandler(WSGIRequestHandler):
    """Werkzeug's handler without per-request access logs (they would show query strings)."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return

    def log(self, type: str, message: str, *args: Any) -> None:
        logging.getLogger("mock_provider.server").debug(message, *args)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Refuse an unparseable request (bad request line, oversized headers) with JSON.

        ``http.server`` answers these before the WSGI app runs, with an HTML page; the
        provider promises RFC-shaped JSON for every refusal.
        """
        description = sanitize_description(message or explain or "the request is malformed")
        body = json.dumps({"error": "invalid_request", "error_description": description}).encode()
        # The message echoes the request line, which may carry a secret in its query.
        self.log_error("refused an unparseable request with status %d", code)
        # http.server writes no status line or headers for what it took as HTTP/0.9 (any
        # unparseable request line); garbage still gets a full HTTP/1.x answer.
        if self.request_version == "HTTP/0.9":
            self.request_version = "HTTP/1.0"
        self.send_response(code, message)
        self.send_header("Connection", "close")
        if code >= 200 and code not in (204, 304):
            self.send_header("Content-Type", "application/json")
            self.send_header("Cache-Control", "no-store")
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD" and code >= 200 and code not in (204, 304):
            self.wfile.write(body)

    def connection_dropped(self, error: BaseException, environ: Any = None) -> None:
        """Reset the connection when a scripted fault asked to drop it."""
        self.close_connection = True
        if isinstance(error, ConnectionDropped):
            # SO_LINGER with a zero timeout makes close() send RST instead of FIN: the
            # client sees "connection reset by peer", as with a crashed load balancer.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()


class ProviderServer:
    """Serve a provider on ``host:port`` in a daemon thread; a context manager.

    Args:
        provider: the provider to serve.
        host: the address to bind (loopback by default).
        port: the port; 0 picks a free one.
        tls: serve HTTPS with a certificate from a throwaway trustme CA (``tls`` extra);
            :attr:`ca_path` is then a PEM bundle clients can trust.

    Attributes:
        url: ``http(s)://host:port`` once started.
        ca_path: the CA bundle path with ``tls=True``, else ``None``.
    """

    def __init__(
        self, provider: MockProvider, *, host: str = "127.0.0.1", port: int = 0, tls: bool = False
    ) -> None:
        self.provider = provider
        self.host = host
        self.port = port
        self.tls = tls
        self.ca_path: str | None = None
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None
        self._tmp: tempfile.TemporaryDirectory[str] | None = None

    @property
    def url(self) -> str:
        """The server's base URL."""
        if self._server is None:
            raise MockProviderError("the server is not running; use it as a context manager")
        scheme = "https" if self.tls else "http"
        host = str(self._server.server_address[0])
        display = f"[{host}]" if ":" in host else host
        return f"{scheme}://{display}:{self._server.server_port}"

    def start(self) -> ProviderServer:
        """Bind and start serving; returns ``self``."""
        if self._server is not None:
            raise MockProviderError("the server is already running")
        ssl_context = self._ssl_context() if self.tls else None
        self._server = make_server(
            self.host,
            self.port,
            self.provider.wsgi_app(),
            threaded=True,
            request_handler=_QuietHandler,
            ssl_context=ssl_context,
        )
        # Request threads must not keep the interpreter alive (ThreadingMixIn attribute).
        self._server.daemon_threads = True  # type: ignore[attr-defined]
        self.provider._bind_issuer(self.url)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"mock-oauth-server:{self._server.server_port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and wait for the server thread (bounded by a 5 s join)."""
        server, thread = self._server, self._thread
        if server is None:
            return
        server.shutdown()
        if thread is not None:
            thread.join(timeout=5)
        server.server_close()
        self._server = self._thread = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None
            self.ca_path = None

    def _ssl_context(self) -> ssl.SSLContext:
        try:
            import trustme
        except ImportError:  # pragma: no cover - only without the extra
            raise MockProviderError(
                "tls=True needs the 'tls' extra: pip install 'pytest-oauthcc[tls]'"
            ) from None
        ca = trustme.CA()
        names = ["127.0.0.1", "localhost", "::1"]
        if self.host not in names:
            names.append(self.host)
        cert = ca.issue_cert(*names)
        self._tmp = tempfile.TemporaryDirectory(prefix="oauthcc-tls-")
        ca_path = Path(self._tmp.name) / "ca.pem"
        ca.cert_pem.write_to_path(str(ca_path))
        self.ca_path = str(ca_path)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        cert.configure_cert(context)
        return context

    def __enter__(self) -> ProviderServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        where = self.url if self._server is not None else "stopped"
        return f"ProviderServer({where})"
