"""The control API's operations: one handler per resource and method, and the route table.

Each handler takes the provider, the request and the rest of the path, and returns a status
and a JSON-ready payload; a refusal is a :class:`ControlError`. Dispatch, authorization and
rendering live in :mod:`mock_provider.control`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from .errors import MockProviderError
from .faults import CONTROL_PREFIX, Fault
from .fields import CLIENT_FIELDS, FAULT_FIELDS, QUIRK_FIELDS, check_fields
from .http import Request
from .recording import select

if TYPE_CHECKING:
    from .provider import MockProvider, RegisteredClient

__all__ = ["REQUEST_FILTERS", "ROUTES", "ControlError", "client_json"]

# Query filters of GET /_mock/requests (a raw token is never sent over the control API).
REQUEST_FILTERS = ("endpoint", "client_id", "scope", "status", "method", "auth_method", "error")


class ControlError(Exception):
    """A refused control request: rendered as JSON ``{"error", "message"}``."""

    def __init__(self, status: int, error: str, message: str, **headers: str) -> None:
        super().__init__(message)
        self.status, self.error, self.message, self.headers = status, error, message, headers


def _json_body(request: Request, *, default: Any = None) -> Any:
    if not request.body.strip():
        if default is not None:
            return default
        raise ControlError(400, "invalid_request", "the request needs a JSON body")
    try:
        return json.loads(request.body)
    except ValueError as exc:
        raise ControlError(400, "invalid_request", f"the body is not valid JSON: {exc}") from None


def _refuse(problems: list[tuple[str, str]], *, where: str = "") -> None:
    if problems:
        message = "; ".join(f"{where}{key}: {msg}" if key else msg for key, msg in problems)
        raise ControlError(400, "invalid_request", message)


Handler = Callable[["MockProvider", Request, str], tuple[int, Any]]


# -- faults -------------------------------------------------------------------------------


def _add_faults(provider: MockProvider, request: Request, _: str) -> tuple[int, Any]:
    data = _json_body(request)
    items = data if isinstance(data, list) else [data]
    for index, item in enumerate(items):
        _refuse(
            check_fields(item, FAULT_FIELDS, what="fault"),
            where=f"[{index}] " if isinstance(data, list) else "",
        )
    try:
        for item in items:
            provider.check_fault_endpoint(item["endpoint"])
        faults = [Fault(**item) for item in items]
    except (TypeError, ValueError) as exc:
        raise ControlError(400, "invalid_request", str(exc)) from None
    for fault in faults:
        provider.faults.add(fault)
    return 201, {"faults": [f.to_json() for f in faults]}


def _list_faults(provider: MockProvider, request: Request, _: str) -> tuple[int, Any]:
    return 200, {
        "pending": [f.to_json() for f in provider.faults.pending],
        "unfired": [f.to_json() for f in provider.faults.unfired()],
    }


def _clear_faults(provider: MockProvider, request: Request, _: str) -> tuple[int, Any]:
    cleared = len(provider.faults.pending)
    provider.clear_faults()
    return 200, {"cleared": cleared}


# -- clients ------------------------------------------------------------------------------


def client_json(client: RegisteredClient) -> dict[str, Any]:
    """A registered client as JSON, without its secret."""
    return {
        "client_id": client.client_id,
        "scopes": list(client.scopes),
        "default_scopes": None if client.default_scopes is None else list(client.default_scopes),
        "auth_methods": list(client.auth_methods),
        "grant_types": list(client.grant_types),
        "expires_in": client.expires_in,
        "audiences": list(client.audiences),
        "me": dict(client.me),
    }


def _add_client(provider: MockProvider, request: Request, rest: str) -> tuple[int, Any]:
    if rest:
        raise ControlError(405, "method_not_allowed", "POST clients to /_mock/clients")
    data = _json_body(request)
    _refuse(check_fields(data, CLIENT_FIELDS, what="client"))
    options = dict(data)
    client_id, secret = options.pop("client_id"), options.pop("client_secret")
    try:
        client = provider.add_client(client_id, secret, **options)
    except (TypeError, ValueError) as exc:
        raise ControlError(400, "invalid_request", str(exc)) from None
    return 201, client_json(client)


def _list_clients(provider: MockProvider, request: Request, rest: str) -> tuple[int, Any]:
    clients = provider.clients
    if rest:
        if rest not in clients:
            raise ControlError(404, "not_found", f"no client registered as {rest[:80]!r}")
        return 200, client_json(clients[rest])
    return 200, {"clients": [client_json(c) for c in clients.values()]}


def _remove_client(provider: MockProvider, request: Request, rest: str) -> tuple[int, Any]:
    if not rest:
        raise ControlError(405, "method_not_allowed", "DELETE /_mock/clients/<client_id>")
    try:
        provider.remove_client(rest)
    except KeyError:
        registered = ", ".join(sorted(provider.clients)) or "(none)"
        raise ControlError(
            404, "not_found", f"no client registered as {rest[:80]!r}; registered: {registered}"
        ) from None
    return 200, {"removed": rest}


# -- quirks, clock, tokens, requests, reset -----------------------------------------------


def _set_quirks(provider: MockProvider, request: Request, _: str) -> tuple[int, Any]:
    data = _json_body(request)
    _refuse(check_fields(data, QUIRK_FIELDS, what="quirk"))
    options = dict(data)
    client_id = options.pop("client_id", None)
    try:
        quirks = provider.set_quirks(client_id=client_id, **options)
    except (TypeError, ValueError) as exc:
        raise ControlError(400, "invalid_request", str(exc)) from None
    return 200, {"client_id": client_id, "quirks": quirks.active()}


def _get_quirks(provider: MockProvider, request: Request, _: str) -> tuple[int, Any]:
    return 200, {
        "quirks": provider.quirks.active(),
        "clients": {cid: q.active() for cid, q in provider.client_quirks.items()},
    }


def _clear_quirks(provider: MockProvider, request: Request, _: str) -> tuple[int, Any]:
    provider.clear_quirks()
    return 200, {"quirks": {}}


def _advance_clock(provider: MockProvider, request: Request, _: str) -> tuple[int, Any]:
    data = _json_body(request)
    _refuse(check_fields(data, {"advance": (("number",), True, "")}, what="clock"))
    advance = getattr(provider.clock, "advance", None)
    if advance is None:
        raise ControlError(400, "invalid_request", "this provider's clock cannot be moved")
    try:
        advance(data["advance"])
    except ValueError as exc:
        raise ControlError(400, "invalid_request", str(exc)) from None
    return 200, {"time": provider.clock.time()}


def _get_clock(provider: MockProvider, request: Request, _: str) -> tuple[int, Any]:
    return 200, {"time": provider.clock.time()}


def _revoke_all(provider: MockProvider, request: Request, _: str) -> tuple[int, Any]:
    return 200, {"revoked": provider.revoke_all()}


def _expire(provider: MockProvider, request: Request, _: str) -> tuple[int, Any]:
    data = _json_body(request)
    _refuse(check_fields(data, {"token": (("string",), True, "")}, what="expire"))
    if provider.find_token(data["token"]) is None:
        raise ControlError(404, "not_found", "no such token was issued by this provider")
    provider.expire(data["token"])
    return 200, {"expired": True}


def _rotate_key(provider: MockProvider, request: Request, _: str) -> tuple[int, Any]:
    try:
        provider.rotate_signing_key()
    except MockProviderError as exc:  # the jwt extra may be missing
        raise ControlError(400, "invalid_request", str(exc)) from None
    return 200, {"rotated": True}


def _get_requests(provider: MockProvider, request: Request, _: str) -> tuple[int, Any]:
    filters: dict[str, Any] = dict(parse_qsl(request.query, keep_blank_values=True))
    unknown = sorted(set(filters) - set(REQUEST_FILTERS))
    if unknown:
        raise ControlError(
            400,
            "invalid_request",
            f"unknown filter(s) {', '.join(unknown)}; filters: {', '.join(REQUEST_FILTERS)}",
        )
    if "status" in filters:
        if not filters["status"].isdigit():
            raise ControlError(400, "invalid_request", "status must be a number, e.g. status=503")
        filters["status"] = int(filters["status"])
    return 200, [r.to_json() for r in select(provider.requests, **filters)]


def _clear_requests(provider: MockProvider, request: Request, _: str) -> tuple[int, Any]:
    cleared = len(provider.requests)
    provider.clear_requests()
    return 200, {"cleared": cleared}


def _reset(provider: MockProvider, request: Request, _: str) -> tuple[int, Any]:
    settings = provider.control
    if settings is not None and settings.initial is not None:
        settings.initial.restore(provider)
    return 200, {"reset": True}


def _openapi(provider: MockProvider, request: Request, _: str) -> tuple[int, Any]:
    from .openapi import openapi_document

    return 200, openapi_document(provider.url)


def _index(provider: MockProvider, request: Request, _: str) -> tuple[int, Any]:
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
    "requests": {"GET": _get_requests, "DELETE": _clear_requests},
    "revoke-all": {"POST": _revoke_all},
    "expire": {"POST": _expire},
    "rotate-signing-key": {"POST": _rotate_key},
    "reset": {"POST": _reset},
    "openapi.json": {"GET": _openapi},
}
