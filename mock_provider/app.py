"""Routing, error rendering and the request log: one request in, one response out.

:func:`handle` is the single entry for every way of reaching a provider (in-process httpx
transports, respx, the WSGI app behind the socket server). It guarantees what the provider
promises: a refusal is RFC-shaped JSON, an unexpected exception is a JSON ``server_error``
(recorded, so the pytest plugin can fail the test that caused it), and every request lands
in the redacted log.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from . import endpoints
from .errors import OAuthError, sanitize_description
from .fault_answers import apply_fault, fault_answer, observe_request, recorded_error
from .faults import CONTROL_PREFIX, connection_fault
from .http import Headers, Request, Response
from .recording import RecordedRequest, redact_form, redact_headers, redact_query
from .rfc6749 import Params

if TYPE_CHECKING:
    from .provider import MockProvider

__all__ = ["WSGIApp", "handle"]

log = logging.getLogger("mock_provider")

_ENDPOINTS: dict[str, Callable[[MockProvider, endpoints.Exchange], Response]] = {
    "token": endpoints.token,
    "revoke": endpoints.revoke,
    "introspect": endpoints.introspect,
    "metadata": endpoints.metadata,
    "jwks": endpoints.jwks,
}


def handle(provider: MockProvider, request: Request) -> Response:
    """Answer ``request`` as ``provider`` would, and record it (redacted)."""
    if provider.control is not None and request.path.startswith(CONTROL_PREFIX):
        from .control import handle_control

        # Control requests script the provider; they are not what the client under test
        # sent, so they stay out of the request log.
        return handle_control(provider, request)
    name = provider.routes().get(request.path)
    ex = endpoints.Exchange(request, Params())
    error: str | None = None
    fault = provider.take_fault(name, request)
    try:
        ex.query = endpoints.parse_query(request)
        if fault is not None and (fault.drop or fault.replaces_answer):
            observe_request(ex, name, provider.presented_client_id(request, name))
            response = fault_answer(fault, name or "", realm=provider.realm)
            error = recorded_error(response)
        else:
            response = _dispatch(provider, name, ex)
    except OAuthError as exc:
        error = None if getattr(exc, "bare", False) else exc.error
        status, headers, body = exc.render()
        response = Response(status, headers, body)
    except Exception:
        # A bug in the provider must not become a traceback or HTML page for the client;
        # it is logged (without request data, which may hold secrets) and recorded.
        log.error(
            "mock provider failed on %s %s\n%s",
            request.method,
            name or request.path,
            traceback.format_exc(),
        )
        error = "server_error"
        response = Response.json(
            500,
            {
                "error": "server_error",
                "error_description": "the mock provider failed unexpectedly; see its log",
            },
            endpoints.NO_STORE,
        )
    if fault is not None:
        response = apply_fault(fault, response, provider.faults)
    if request.method == "HEAD":
        # RFC 9110 §9.3.2: HEAD answers with the GET header fields, Content-Length included.
        if response.header("Content-Length") is None:
            response.headers.append(("Content-Length", str(len(response.body))))
        response.body = b""
    provider._record(
        RecordedRequest(
            time=provider.clock.time(),
            endpoint=name,
            method=request.method,
            path=request.path,
            status=response.status,
            query=redact_query(request.query) if request.query else {},
            headers=redact_headers(request.headers.items()),
            form=redact_form(dict(ex.form)) if ex.form is not None else {},
            client_id=ex.client_id,
            auth_method=ex.auth_method,
            token=ex.token,
            error=error,
            fault=fault.id if fault is not None else None,
        )
    )
    return response


def _dispatch(provider: MockProvider, name: str | None, ex: endpoints.Exchange) -> Response:
    if name is None:
        routes = ", ".join(sorted(provider.routes()))
        return Response.json(
            404,
            {
                "error": "not_found",
                # RFC 6749 §5.2's description alphabet: the path is the caller's text and
                # may hold control characters, quotes or non-ASCII.
                "error_description": sanitize_description(
                    f"no endpoint at {ex.request.path[:200]}; served: {routes}"
                ),
            },
        )
    endpoint = _ENDPOINTS.get(name)
    if endpoint is not None:
        return endpoint(provider, ex)
    return endpoints.resource(provider, provider.resource(name), ex)


class WSGIApp:
    """The provider as a WSGI application (what the socket server runs)."""

    def __init__(self, provider: MockProvider) -> None:
        self.provider = provider

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        response = self.provider.handle(request_from_environ(environ))
        connection_fault(response)  # a scripted delay or dropped connection
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
        remote_addr=environ.get("REMOTE_ADDR"),
    )


def request_path(raw: str) -> str:
    """Percent-decode a raw URL path for routing."""
    return unquote(raw, errors="replace")


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""
