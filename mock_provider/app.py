"""Routing, error rendering and the request log: one request in, one response out.

:func:`handle` is the single entry for every way of reaching a provider (in-process httpx
transports, respx, the socket server, the WSGI app). It guarantees what the provider
promises: a refusal is RFC-shaped JSON, an unexpected exception is a JSON ``server_error``
(recorded, so the pytest plugin can fail the test that caused it), and every request lands
in the redacted log.

Layering: imports ``protocol``, ``faults``, ``state``, ``endpoints``, ``discovery`` and
``client_auth``; the control API (``control``) lazily. Types against
:class:`~mock_provider.state.core.ProviderCore`.
"""

from __future__ import annotations

import logging
import traceback

from .client_auth import assertion_method
from .discovery import DISCOVERY_ENDPOINTS
from .endpoints import ENDPOINTS, NO_STORE, RequestFacts, parse_query, resource
from .faults.answers import CLIENT_AUTH, apply_fault, fault_answer, recorded_error
from .protocol.errors import BearerError, OAuthError, sanitize_description
from .protocol.http import Request, Response
from .protocol.redaction import fingerprint
from .protocol.rfc6749 import (
    CLIENT_SECRET_BASIC,
    CLIENT_SECRET_POST,
    FORM_CONTENT_TYPE,
    Params,
    parse_form,
)
from .state.core import CONTROL_PREFIX, ProviderCore

__all__ = ["handle"]

log = logging.getLogger("mock_provider")


def handle(core: ProviderCore, request: Request) -> Response:
    """Answer ``request`` as the provider ``core`` would, and record it (redacted)."""
    if core.control is not None and request.path.startswith(CONTROL_PREFIX):
        from .control.dispatch import handle_control

        # Control requests script the provider; they are not what the client under test
        # sent, so they stay out of the request log.
        return handle_control(core, request)
    routes, token_headers, token_params = core.served()
    name = routes.get(request.path)
    ex = RequestFacts(request, Params())
    error: str | None = None
    faults = core.scripting.faults
    if faults:  # read without the lock: most providers have none queued
        # Taken before the fault fires: a clear from then on cuts its delay short.
        waker = faults.waker()
        fault = core.take_fault(name, request)
    else:
        waker, fault = None, None
    try:
        if request.query:
            ex.query = parse_query(request)
        if fault is not None and (fault.drop or fault.replaces_answer):
            _observe(ex, name, core.presented_client_id(request, name))
            response = fault_answer(fault, name or "", realm=core.settings.realm)
            error = recorded_error(response)
        else:
            response = _dispatch(core, name, ex)
    except OAuthError as exc:
        error = None if isinstance(exc, BearerError) and exc.bare else exc.error
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
            NO_STORE,
        )
    if fault is not None:
        response = apply_fault(fault, response, core.scripting.faults, waker)
    if request.method == "HEAD":
        # RFC 9110 §9.3.2: HEAD answers with the GET header fields, Content-Length included.
        if response.header("Content-Length") is None:
            response.headers.append(("Content-Length", str(len(response.body))))
        response.body = b""
    # The raw facts only (see state.exchange): the log redacts them when it is read.
    core.request_log.append_exchange(
        (
            core.clock.time(),
            name,
            request.method,
            request.path,
            response.status,
            request.query,
            request.headers.pairs,
            tuple(ex.form.items()) if ex.form is not None else None,
            ex.client_id,
            ex.auth_method,
            ex.token,
            error,
            fault.id if fault is not None else None,
            token_headers,
            token_params,
        )
    )
    return response


def _dispatch(core: ProviderCore, name: str | None, ex: RequestFacts) -> Response:
    if name is None:
        routes = ", ".join(sorted(core.routes()))
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
    endpoint = ENDPOINTS.get(name) or DISCOVERY_ENDPOINTS.get(name)
    if endpoint is not None:
        return endpoint(core, ex)
    return resource(core, core.registry.resource(name), ex)


def _observe(ex: RequestFacts, endpoint: str | None, client_id: str | None) -> None:
    """Fill the request log's view of a request a fault answered instead of the endpoint:
    its form, auth method and token, read leniently (a fault answers whatever was sent)."""
    request = ex.request
    ex.client_id = client_id
    content_type = request.headers.get("Content-Type")
    if request.body and (content_type or "").lower().startswith(FORM_CONTENT_TYPE):
        try:
            ex.form = parse_form(request.body, content_type)
        except OAuthError:
            ex.form = None
    scheme, _, credentials = (request.headers.get("Authorization") or "").partition(" ")
    form: dict[str, str] = ex.form if ex.form is not None else {}
    if scheme.lower() == "basic":
        ex.auth_method = CLIENT_SECRET_BASIC
    elif "client_secret" in form:
        ex.auth_method = CLIENT_SECRET_POST
    elif "client_assertion" in form:
        ex.auth_method = assertion_method(form["client_assertion"])
    if scheme.lower() == "bearer" and endpoint not in CLIENT_AUTH:
        ex.token = fingerprint(credentials.strip())
    elif "token" in form:
        ex.token = fingerprint(form["token"])
