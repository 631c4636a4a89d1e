"""requests answered in-process: a transport adapter, and a hook that reaches every Session.

:class:`ProviderAdapter` is a ``requests.adapters.BaseAdapter``, the extension point
requests gives for answering without a network (``responses`` and ``requests-mock`` answer
through one too); mount it on a session by hand, or let :func:`install` pick it.

The hook replaces ``requests.Session.get_adapter``: for a registered origin whose session
would have used a network ``HTTPAdapter`` (the default one, or a subclass a library mounts
for retries), it returns a :class:`ProviderAdapter` instead; an adapter the user mounted
that is not an ``HTTPAdapter`` wins, as an explicit httpx transport does. Sessions that a
library builds itself are reached because the hook sits on the class, and it is a pure
function of the URL (nothing is mutated per request, so threads are safe). It sits above
``responses``, which patches ``HTTPAdapter.send``: both work at once without configuration.
``requests-mock`` takes over ``get_adapter`` itself while its ``Mocker`` is active, so the
provider is reached through its own pass-through (``real_http=True``).
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any
from urllib.parse import unquote, urlsplit

import requests
from requests.adapters import BaseAdapter, HTTPAdapter
from requests.structures import CaseInsensitiveDict
from requests.utils import get_encoding_from_headers
from urllib3 import HTTPHeaderDict, HTTPResponse
from urllib3.exceptions import ProtocolError
from urllib3.util import Timeout

from mock_provider.protocol.http import Headers, Request, Response

from . import routing
from .fault_wait import wait_out

__all__ = ["ProviderAdapter", "patches"]


def to_provider_request(request: requests.PreparedRequest) -> Request:
    """Translate a prepared request to the provider's model."""
    parts = urlsplit(request.url or "")
    return Request(
        method=request.method or "GET",
        path=unquote(parts.path or "/", errors="replace"),
        query=parts.query,
        headers=Headers((str(k), str(v)) for k, v in request.headers.items()),
        body=_body_bytes(request.body),
        scheme=parts.scheme,
        host=parts.hostname or "",
    )


def _body_bytes(body: Any) -> bytes:
    if body is None:
        return b""
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode("utf-8")
    if hasattr(body, "read"):
        data = body.read()
        return data.encode("utf-8") if isinstance(data, str) else bytes(data)
    return b"".join(c.encode("utf-8") if isinstance(c, str) else bytes(c) for c in body)


def _read_timeout(timeout: Any) -> float | None:
    # requests takes a number, a (connect, read) pair or a urllib3 Timeout.
    if isinstance(timeout, tuple):
        timeout = timeout[1]
    elif isinstance(timeout, Timeout):
        timeout = timeout.read_timeout
    return float(timeout) if isinstance(timeout, (int, float)) else None


class ProviderAdapter(BaseAdapter):
    """A requests transport adapter answered in-process by ``target`` (a provider).

    A scripted drop raises ``requests.ConnectionError`` and a delay longer than the read
    ``timeout=`` raises ``requests.ReadTimeout`` after that timeout, as a real server would.
    """

    def __init__(self, target: routing.Target) -> None:
        super().__init__()
        self.target = target

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: float | tuple[float | None, float | None] | Timeout | None = None,
        verify: bool | str = True,
        cert: bytes | str | tuple[bytes | str, bytes | str] | None = None,
        proxies: Mapping[str, str] | None = None,
    ) -> requests.Response:
        """Answer ``request`` from the target.

        Raises:
            requests.ConnectionError: for a dropped connection.
            requests.ReadTimeout: when a delay outlasts the read timeout.
        """
        response = self.target.handle(to_provider_request(request))
        read_timeout = _read_timeout(timeout)
        outcome = wait_out(response, read_timeout)
        if outcome == "timeout":
            raise requests.ReadTimeout(
                f"Read timed out. (read timeout={read_timeout}) (scripted delay)", request=request
            )
        if outcome == "drop":
            reset = ConnectionResetError(104, "Connection reset by peer (scripted drop)")
            raise requests.ConnectionError(
                ProtocolError("Connection aborted.", reset), request=request
            )
        return self.build_response(request, response)

    def build_response(
        self, request: requests.PreparedRequest, response: Response
    ) -> requests.Response:
        """A ``requests.Response`` for the provider's answer, built as ``HTTPAdapter`` does."""
        try:
            reason = HTTPStatus(response.status).phrase
        except ValueError:
            reason = ""
        headers = HTTPHeaderDict()
        for name, value in response.headers:
            headers.add(name, value)  # repeated headers (WWW-Authenticate) stay apart
        raw = HTTPResponse(
            body=io.BytesIO(response.body),
            headers=headers,
            status=response.status,
            reason=reason,
            preload_content=False,
            decode_content=False,
            request_method=request.method,
            request_url=request.url,
        )
        answer = requests.Response()
        answer.status_code = response.status
        answer.headers = CaseInsensitiveDict(raw.headers)
        answer.encoding = get_encoding_from_headers(answer.headers)
        answer.raw = raw
        answer.reason = reason
        answer.url = request.url or ""
        answer.request = request
        answer.connection = self  # type: ignore[assignment]
        return answer

    def close(self) -> None:
        """Nothing to release: no connections are opened."""


def patches() -> tuple[routing.Patch, ...]:
    """What answers registered origins for every ``requests.Session``: a
    ``Session.get_adapter`` wrapping the one there now."""
    original: Any = requests.Session.get_adapter

    def get_adapter(self: requests.Session, url: str) -> BaseAdapter:
        adapter: BaseAdapter = original(self, url)
        if isinstance(adapter, HTTPAdapter):
            target = routing.lookup_url(url)
            if target is not None:
                return ProviderAdapter(target)
        return adapter

    return ((requests.Session, "get_adapter", get_adapter, original),)
