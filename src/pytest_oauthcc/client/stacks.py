"""The two httpx stacks the client runs on: httpx, and httpx2 (its maintained fork).

httpx2 is httpx 0.28.1 under another name: the same API, its own classes. An ``httpx2``
client refuses an ``httpx.Auth`` and sends only ``httpx2.Request`` objects, and its transports
raise ``httpx2.TransportError``. The client's flow is written once against that API; what
differs per stack (which classes to build and catch) is an :class:`HttpStack`, found from the
request or client at hand, so one :class:`~pytest_oauthcc.ClientCredentials` serves both at
once, with one token cache. httpx2 is imported only when it is installed and first needed.

Layering: part of the reference client: imports httpx (and httpx2, lazily) only.
"""

from __future__ import annotations

import functools
import importlib.util
import sys
from dataclasses import dataclass
from typing import Any, cast

import httpx

__all__ = ["HTTPX", "HttpStack", "httpx2_installed", "stack_of"]


@dataclass(frozen=True)
class HttpStack:
    """What the flow builds and catches on one stack (typed as httpx's: same API)."""

    name: str
    module: Any
    Request: type[httpx.Request]
    TransportError: type[httpx.TransportError]
    RequestNotRead: type[httpx.RequestNotRead]

    def request(self, method: str, url: httpx.URL, **kwargs: Any) -> httpx.Request:
        """A request of this stack (the URL is given as text, which both accept)."""
        return self.Request(method, str(url), **kwargs)


HTTPX = HttpStack("httpx", httpx, httpx.Request, httpx.TransportError, httpx.RequestNotRead)


@functools.cache
def httpx2_installed() -> bool:
    """Whether httpx2 can be imported (looked up once; importing it is left to the caller)."""
    return importlib.util.find_spec("httpx2") is not None


@functools.cache
def _httpx2() -> HttpStack:
    import httpx2

    classes: Any = (httpx2.Request, httpx2.TransportError, httpx2.RequestNotRead)
    return HttpStack("httpx2", httpx2, *cast("tuple[Any, Any, Any]", classes))


_HTTPX_TYPES = (httpx.Request, httpx.Response, httpx.Client, httpx.AsyncClient)


def stack_of(thing: object) -> HttpStack:
    """The stack of a request, response or client: httpx2's if it is one of httpx2's."""
    if isinstance(thing, _HTTPX_TYPES):
        return HTTPX
    httpx2 = sys.modules.get("httpx2")
    if httpx2 is not None and isinstance(
        thing, (httpx2.Request, httpx2.Response, httpx2.Client, httpx2.AsyncClient)
    ):
        return _httpx2()
    return HTTPX
