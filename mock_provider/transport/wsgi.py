"""A provider as a WSGI application (PEP 3333), for any WSGI server.

Layering: imports ``protocol`` and ``faults.queue`` only; serves any
:class:`~mock_provider.protocol.http.Served`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any

from mock_provider.faults.queue import carry_out
from mock_provider.protocol.http import Headers, Request, Served

__all__ = ["WSGIApp", "request_from_environ"]


class WSGIApp:
    """A provider as a WSGI application (for any WSGI server)."""

    def __init__(self, target: Served) -> None:
        self.target = target

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        response = self.target.handle(request_from_environ(environ))
        carry_out(response)  # a scripted delay or dropped connection
        reason = _reason(response.status)
        headers = list(response.headers)
        if not any(k.lower() == "content-length" for k, _ in headers):
            headers.append(("Content-Length", str(len(response.body))))
        start_response(f"{response.status} {reason}".rstrip(), headers)
        return [response.body]


def request_from_environ(environ: dict[str, Any]) -> Request:
    """Build a :class:`Request` from a WSGI environ (PEP 3333)."""
    headers = [
        (key[5:].replace("_", "-").title(), value)
        for key, value in environ.items()
        if key.startswith("HTTP_")
    ]
    if environ.get("CONTENT_TYPE"):
        headers.append(("Content-Type", environ["CONTENT_TYPE"]))
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > 0:
        body = environ["wsgi.input"].read(length)
    elif environ.get("wsgi.input_terminated"):
        # A chunked request has no Content-Length; a WSGI server that de-chunks the input
        # marks it terminated (werkzeug does), so it can be read to the end.
        body = environ["wsgi.input"].read()
    else:
        body = b""
    # PEP 3333: PATH_INFO is bytes decoded as latin-1; re-decode as UTF-8 for the router.
    raw_path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
    try:
        path = raw_path.encode("latin-1").decode("utf-8")
    except (UnicodeDecodeError, UnicodeEncodeError):
        path = raw_path
    return Request(
        method=environ.get("REQUEST_METHOD", "GET").upper(),
        path=path or "/",
        query=environ.get("QUERY_STRING", ""),
        headers=Headers(headers),
        body=body,
        scheme=environ.get("wsgi.url_scheme", "http"),
        host=environ.get("HTTP_HOST", ""),
    )


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""
