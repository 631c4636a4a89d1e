"""A provider on a real loopback socket: a threaded HTTP/1.1 server, optional TLS.

Start-up is binding a socket and starting one daemon thread (no polling loop to wait on):
``serve_forever`` is already accepting by the time :meth:`ProviderServer.start` returns,
because the listening socket exists before the thread starts. How each connection is served
(keep-alive, bodies read whole, JSON refusals) is in :mod:`.connection`.

Layering: imports ``protocol`` and ``transport.connection`` only; serves any
:class:`~mock_provider.protocol.http.Served`.
"""

from __future__ import annotations

import ssl
import tempfile
import threading
from pathlib import Path
from types import TracebackType

from mock_provider.protocol.errors import MockProviderError
from mock_provider.protocol.http import Served

from .connection import Limits, ThreadedServer
from .framing import MAX_BODY

__all__ = ["MAX_BODY", "Limits", "ProviderServer"]


class ProviderServer:
    """Serve a provider (any :class:`Served`) on ``host:port`` in a daemon thread; a
    context manager.

    Args:
        target: what to serve: a :class:`~mock_provider.MockProvider`, or anything with its
            ``handle(request)`` and ``bind_url(url)``.
        host: the address to bind (loopback by default).
        port: the port; 0 picks a free one.
        tls: serve HTTPS with a certificate from a throwaway trustme CA (``tls`` extra);
            :attr:`ca_path` is then a PEM bundle clients can trust.
        max_connections: connections served at once (128); one more is answered 503.
        request_timeout: seconds a request's head and body may take to arrive in total
            (10); a slower one is answered 408 and closed.

    Raises:
        ValueError: for a ``max_connections`` below 1 or a timeout not above 0.

    Attributes:
        url: ``http(s)://host:port`` once started.
        ca_path: the CA bundle path with ``tls=True``, else ``None``.
        limits: the :class:`Limits` it serves with (connections, request timeout).
    """

    def __init__(
        self,
        target: Served,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        tls: bool = False,
        max_connections: int = Limits.max_connections,
        request_timeout: float = Limits.request_timeout,
    ) -> None:
        self.limits = Limits(max_connections=max_connections, request_timeout=request_timeout)
        self.target = target
        self.host = host
        self.port = port
        self.tls = tls
        self.ca_path: str | None = None
        self._server: ThreadedServer | None = None
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
        return f"{scheme}://{display}:{self._server.server_address[1]}"

    def start(self) -> ProviderServer:
        """Bind and start serving; returns ``self``."""
        if self._server is not None:
            raise MockProviderError("the server is already running")
        ssl_context = self._ssl_context() if self.tls else None
        self._server = ThreadedServer(self.host, self.port, self.target, ssl_context, self.limits)
        self.target.bind_url(self.url)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"mock-oauth-server:{self._server.server_address[1]}",
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
        server.end_connections()
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
