"""The HTTP control API under ``/_mock/``: the Python scripting surface, over HTTP.

For a provider running as its own process (``oauthcc serve``, a container, a test suite in
another language): register clients, queue faults, set quirks, move the clock, revoke
tokens, read the request log, reset. Off unless enabled; when the provider listens beyond
loopback it needs a bearer control token. Described by ``GET /_mock/openapi.json``; the
operations themselves are in :mod:`.routes`.

Layering: imports ``protocol``, ``state`` and ``control.routes``; types against
:class:`~mock_provider.state.core.ProviderCore`.
"""

from __future__ import annotations

import hmac
import logging

from mock_provider.protocol.http import Request, Response
from mock_provider.state.core import ProviderCore

from .browser import check_browser_safety
from .openapi import CONTROL_PREFIX
from .routes import ROUTES, ControlError, WithHeaders

__all__ = ["handle_control"]

log = logging.getLogger("mock_provider")


def handle_control(core: ProviderCore, request: Request) -> Response:
    """Answer one request under ``/_mock/`` (the caller checked the prefix): a refusal is
    JSON ``{"error", "message"}``, and so is a bug (``server_error``, logged)."""
    settings = core.control
    try:
        check_browser_safety(core, request)
        if settings is not None and settings.token is not None:
            _authorize(request, settings.token)
        route = request.path[len(CONTROL_PREFIX) :].strip("/")
        first, _, rest = route.partition("/")
        handlers = ROUTES.get(first)
        if handlers is None or (rest and first != "clients"):
            raise ControlError(
                404,
                "not_found",
                f"no control endpoint at {request.path[:120]}; endpoints: "
                + ", ".join(f"{CONTROL_PREFIX}{name}" for name in ROUTES if name),
            )
        method = "GET" if request.method == "HEAD" else request.method
        handler = handlers.get(method)
        if handler is None:
            allowed = ", ".join(handlers)
            raise ControlError(
                405,
                "method_not_allowed",
                f"{request.method} is not allowed on {request.path[:120]}; use {allowed}",
                Allow=allowed,
            )
        status, payload = handler(core, request, rest)
    except ControlError as exc:
        return Response.json(exc.status, {"error": exc.error, "message": exc.message}, exc.headers)
    except Exception:
        # A bug must not become a dropped connection; logged without the request (secrets).
        log.error("mock provider control API failed on %s", request.method, exc_info=True)
        message = "the mock provider failed unexpectedly; see its log"
        return Response.json(500, {"error": "server_error", "message": message})
    headers = {"Cache-Control": "no-store"}
    if isinstance(payload, WithHeaders):
        payload, headers = payload.payload, headers | payload.headers
    return Response.json(status, payload, headers)


def _authorize(request: Request, token: str) -> None:
    scheme, _, presented = (request.headers.get("Authorization") or "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(
        presented.strip().encode(), token.encode()
    ):
        raise ControlError(
            401,
            "unauthorized",
            "the control API needs 'Authorization: Bearer <control token>' on this host; "
            "the token was given with --control-token or printed when the server started",
            **{"WWW-Authenticate": 'Bearer realm="mock-control"'},
        )
