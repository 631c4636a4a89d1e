"""The ways to reach a provider: in-process httpx transports and respx, WSGI, and the
loopback HTTP/1.1 server (+ TLS).

Layering: imports ``protocol`` and ``faults.queue`` only; everything here serves a
:class:`~mock_provider.protocol.http.Served`, never the provider's state. Only the facade
(:mod:`mock_provider.provider`) reaches in here.
"""

from __future__ import annotations

from .inprocess import AsyncProviderTransport, ProviderTransport, respx_router
from .server import ProviderServer
from .wsgi import WSGIApp

__all__ = [
    "AsyncProviderTransport",
    "ProviderServer",
    "ProviderTransport",
    "WSGIApp",
    "respx_router",
]
