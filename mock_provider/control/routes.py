"""The control API's operations: one handler per resource and method, and the route table.

Each handler takes the provider, the request and the rest of the path, and returns a status
and a JSON-ready payload; a refusal is a :class:`ControlError`. Dispatch, authorization and
rendering live in :mod:`.dispatch`; the OpenAPI document in :mod:`.openapi`.

Layering: imports ``protocol``, ``faults``, ``state`` and ``control.openapi``; types against
:class:`~mock_provider.state.core.ProviderCore`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from mock_provider.faults.fault import FAULT_OPTIONS, Fault, fault_problems
from mock_provider.faults.options import Option, Problem, type_problems
from mock_provider.faults.scripting import check_fault_endpoint
from mock_provider.protocol.errors import MockProviderError
from mock_provider.protocol.http import Request
from mock_provider.state.core import ProviderCore
from mock_provider.state.log import CONTROL_FILTERS, select
from mock_provider.state.records import CLIENT_OPTIONS, RegisteredClient

from .openapi import CONTROL_PREFIX, QUIRK_REQUEST, openapi_document

__all__ = ["ROUTES", "ControlError", "WithHeaders", "client_json"]

_ADVANCE = {"advance": Option("advance", ("number",), "seconds to move", required=True)}
_TOKEN = {"token": Option("token", ("string",), "the token", required=True)}
_LOG = {
    "max_requests": Option(
        "max_requests", ("integer",), "how many requests the log keeps", required=True
    )
}


class ControlError(Exception):
    """A refused control request: rendered as JSON ``{"error", "message"}``."""

    def __init__(self, status: int, error: str, message: str, **headers: str) -> None:
        super().__init__(message)
        self.status, self.error, self.message, self.headers = status, error, message, headers


@dataclass(frozen=True)
class WithHeaders:
    """A handler's payload with header fields of its own answer."""

    payload: Any
    headers: dict[str, str]


def _json_body(request: Request, *, default: Any = None) -> Any:
    if not request.body.strip():
        if default is not None:
            return default
        raise ControlError(400, "invalid_request", "the request needs a JSON body")
    try:
        return json.loads(request.body)
    except ValueError as exc:
        raise ControlError(400, "invalid_request", f"the body is not valid JSON: {exc}") from None


def _refuse(problems: list[Problem], *, where: str = "") -> None:
    if problems:
        message = "; ".join(f"{where}{key}: {msg}" if key else msg for key, msg in problems)
        raise ControlError(400, "invalid_request", message)


Handler = Callable[[ProviderCore, Request, str], tuple[int, Any]]


# -- faults -------------------------------------------------------------------------------


def _add_faults(core: ProviderCore, request: Request, _: str) -> tuple[int, Any]:
    data = _json_body(request)
    items = data if isinstance(data, list) else [data]
    for index, item in enumerate(items):
        _refuse(
            type_problems(item, FAULT_OPTIONS, what="fault"),
            where=f"[{index}] " if isinstance(data, list) else "",
        )
    served = core.fault_endpoints()
    for item in items:
        try:
            check_fault_endpoint(item["endpoint"], served)
        except ValueError as exc:
            raise ControlError(400, "invalid_request", str(exc)) from None
        problems = fault_problems(item)
        if problems:
            message = "invalid fault: " + "; ".join(m for _, m in problems)
            raise ControlError(400, "invalid_request", message)
    faults = [core.scripting.faults.add(Fault(**item)) for item in items]
    return 201, {"faults": [f.to_json() for f in faults]}


def _list_faults(core: ProviderCore, request: Request, _: str) -> tuple[int, Any]:
    return 200, {
        "pending": [f.to_json() for f in core.scripting.faults.pending],
        "unfired": [f.to_json() for f in core.scripting.faults.unfired()],
    }


def _clear_faults(core: ProviderCore, request: Request, _: str) -> tuple[int, Any]:
    cleared = len(core.scripting.faults)
    core.scripting.faults.clear()
    return 200, {"cleared": cleared}


# -- clients ------------------------------------------------------------------------------


def client_json(client: RegisteredClient) -> dict[str, Any]:
    """A registered client as JSON: its options, without the secret ones (the secret, the
    JWK Set); ``key_ids`` names its registered keys by ``kid``, never their material."""
    body: dict[str, Any] = {}
    for name, opt in CLIENT_OPTIONS.items():
        if opt.secret:
            continue
        value = getattr(client, name)
        body[name] = list(value) if isinstance(value, tuple) else value
    body["me"] = dict(client.me)
    body["key_ids"] = [key.kid for key in client.keys]
    return body


def _add_client(core: ProviderCore, request: Request, rest: str) -> tuple[int, Any]:
    if rest:
        raise ControlError(405, "method_not_allowed", "POST clients to /_mock/clients")
    data = _json_body(request)
    _refuse(type_problems(data, CLIENT_OPTIONS, what="client"))
    options = dict(data)
    client_id, secret = options.pop("client_id"), options.pop("client_secret", None)
    try:
        client = core.registry.add_client(client_id, secret, **options)
    except (TypeError, ValueError) as exc:
        raise ControlError(400, "invalid_request", str(exc)) from None
    return 201, client_json(client)


def _list_clients(core: ProviderCore, request: Request, rest: str) -> tuple[int, Any]:
    clients = core.registry.clients
    if rest:
        if rest not in clients:
            raise ControlError(404, "not_found", f"no client registered as {rest[:80]!r}")
        return 200, client_json(clients[rest])
    return 200, {"clients": [client_json(c) for c in clients.values()]}


def _remove_client(core: ProviderCore, request: Request, rest: str) -> tuple[int, Any]:
    if not rest:
        raise ControlError(405, "method_not_allowed", "DELETE /_mock/clients/<client_id>")
    try:
        core.remove_client(rest)
    except KeyError:
        registered = ", ".join(sorted(core.registry.clients)) or "(none)"
        raise ControlError(
            404, "not_found", f"no client registered as {rest[:80]!r}; registered: {registered}"
        ) from None
    return 200, {"removed": rest}


# -- quirks, clock, tokens, requests, reset -----------------------------------------------


def _set_quirks(core: ProviderCore, request: Request, _: str) -> tuple[int, Any]:
    data = _json_body(request)
    _refuse(type_problems(data, QUIRK_REQUEST, what="quirk"))
    options = dict(data)
    client_id = options.pop("client_id", None)
    try:
        quirks = core.scripting.set_quirks(client_id, **options)
    except (TypeError, ValueError) as exc:
        raise ControlError(400, "invalid_request", str(exc)) from None
    return 200, {"client_id": client_id, "quirks": quirks.active()}


def _get_quirks(core: ProviderCore, request: Request, _: str) -> tuple[int, Any]:
    return 200, {
        "quirks": core.scripting.quirks.active(),
        "clients": {cid: q.active() for cid, q in core.scripting.client_quirks.items()},
    }


def _clear_quirks(core: ProviderCore, request: Request, _: str) -> tuple[int, Any]:
    core.scripting.clear_quirks()
    return 200, {"quirks": {}}


def _advance_clock(core: ProviderCore, request: Request, _: str) -> tuple[int, Any]:
    data = _json_body(request)
    _refuse(type_problems(data, _ADVANCE, what="clock"))
    advance = getattr(core.clock, "advance", None)
    if advance is None:
        raise ControlError(400, "invalid_request", "this provider's clock cannot be moved")
    try:
        advance(data["advance"])
    except ValueError as exc:
        raise ControlError(400, "invalid_request", str(exc)) from None
    return 200, {"time": core.clock.time()}


def _get_clock(core: ProviderCore, request: Request, _: str) -> tuple[int, Any]:
    return 200, {"time": core.clock.time()}


def _revoke_all(core: ProviderCore, request: Request, _: str) -> tuple[int, Any]:
    return 200, {"revoked": core.token_store.revoke_all()}


def _expire(core: ProviderCore, request: Request, _: str) -> tuple[int, Any]:
    data = _json_body(request)
    _refuse(type_problems(data, _TOKEN, what="expire"))
    if core.token_store.find_token(data["token"]) is None:
        raise ControlError(404, "not_found", "no such token was issued by this provider")
    core.token_store.expire(data["token"])
    return 200, {"expired": True}


def _rotate_key(core: ProviderCore, request: Request, _: str) -> tuple[int, Any]:
    try:
        core.token_store.rotate_signing_key()
    except MockProviderError as exc:  # the jwt extra may be missing
        raise ControlError(400, "invalid_request", str(exc)) from None
    return 200, {"rotated": True}


def _get_requests(core: ProviderCore, request: Request, _: str) -> tuple[int, Any]:
    filters: dict[str, Any] = dict(parse_qsl(request.query, keep_blank_values=True))
    unknown = sorted(set(filters) - set(CONTROL_FILTERS))
    if unknown:
        raise ControlError(
            400,
            "invalid_request",
            f"unknown filter(s) {', '.join(unknown)}; filters: {', '.join(CONTROL_FILTERS)}",
        )
    if "status" in filters:
        # Plain ASCII digits: str.isdigit() also passes "²", which int() refuses.
        status = filters["status"]
        if not (status.isascii() and status.isdigit() and len(status) <= 3):
            raise ControlError(400, "invalid_request", "status must be a number, e.g. status=503")
        filters["status"] = int(status)
    log = core.request_log
    selected = [r.to_json() for r in select(log.entries, **filters)]
    # The answer stays a list (as before the log was bounded): what the ring dropped is said
    # in header fields.
    headers = {"X-Mock-Dropped": str(log.dropped), "X-Mock-Max-Requests": str(log.max_requests)}
    return 200, WithHeaders(selected, headers)


def _bound_requests(core: ProviderCore, request: Request, _: str) -> tuple[int, Any]:
    data = _json_body(request)
    _refuse(type_problems(data, _LOG, what="requests"))
    try:
        core.request_log.max_requests = data["max_requests"]
    except ValueError as exc:
        raise ControlError(400, "invalid_request", str(exc)) from None
    log = core.request_log
    return 200, {"max_requests": log.max_requests, "dropped": log.dropped}


def _clear_requests(core: ProviderCore, request: Request, _: str) -> tuple[int, Any]:
    cleared = core.request_log.clear()
    return 200, {"cleared": cleared}


def _reset(core: ProviderCore, request: Request, _: str) -> tuple[int, Any]:
    settings = core.control
    if settings is not None and settings.initial is not None:
        core.restore(settings.initial)
    return 200, {"reset": True}


def _openapi(core: ProviderCore, request: Request, _: str) -> tuple[int, Any]:
    return 200, openapi_document(core.settings.url)


def _index(core: ProviderCore, request: Request, _: str) -> tuple[int, Any]:
    return 200, {
        "endpoints": {
            f"{CONTROL_PREFIX}{name}": sorted(handlers) for name, handlers in ROUTES.items()
        },
        "openapi": f"{CONTROL_PREFIX}openapi.json",
    }


ROUTES: dict[str, dict[str, Handler]] = {
    "": {"GET": _index},
    "faults": {"GET": _list_faults, "POST": _add_faults, "DELETE": _clear_faults},
    "clients": {"GET": _list_clients, "POST": _add_client, "DELETE": _remove_client},
    "quirks": {"GET": _get_quirks, "POST": _set_quirks, "DELETE": _clear_quirks},
    "clock": {"GET": _get_clock, "POST": _advance_clock},
    "requests": {"GET": _get_requests, "POST": _bound_requests, "DELETE": _clear_requests},
    "revoke-all": {"POST": _revoke_all},
    "expire": {"POST": _expire},
    "rotate-signing-key": {"POST": _rotate_key},
    "reset": {"POST": _reset},
    "openapi.json": {"GET": _openapi},
}
