"""The OpenAPI 3.1 description of the control API, served at ``GET /_mock/openapi.json``.

Request schemas are generated from the option definitions (:mod:`mock_provider.faults.options`)
the control API validates with, so the description cannot drift from what it accepts.

Layering: imports ``faults`` and ``state`` only (never the control routes).
"""

from __future__ import annotations

from typing import Any

from mock_provider.faults.fault import FAULT_OPTIONS
from mock_provider.faults.options import Option, json_schema
from mock_provider.faults.quirks import QUIRK_OPTIONS
from mock_provider.state.core import CONTROL_PREFIX
from mock_provider.state.log import CONTROL_FILTERS
from mock_provider.state.records import CLIENT_OPTIONS

__all__ = ["CONTROL_PREFIX", "QUIRK_REQUEST", "openapi_document"]


#: The body of POST /_mock/quirks: the quirks, and optionally the client they are for.
QUIRK_REQUEST: dict[str, Option] = {
    "client_id": Option("client_id", ("string", "null"), "only this client's token responses"),
    **QUIRK_OPTIONS,
}
_schema = json_schema


def _json(description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    content = {"application/json": {"schema": schema or {"type": "object"}}}
    return {"description": description, "content": content}


_ERROR = _json(
    "refused: a JSON object with error and message",
    {
        "type": "object",
        "properties": {"error": {"type": "string"}, "message": {"type": "string"}},
        "required": ["error", "message"],
    },
)
_RECORDED = {
    "type": "object",
    "properties": {
        name: {"type": kind}
        for name, kind in {
            "time": "number",
            "endpoint": ["string", "null"],
            "method": "string",
            "path": "string",
            "status": "integer",
            "query": "object",
            "headers": "object",
            "form": "object",
            "client_id": ["string", "null"],
            "auth_method": ["string", "null"],
            "token": ["string", "null"],
            "error": ["string", "null"],
            "fault": ["integer", "null"],
        }.items()
    },
}


def _op(summary: str, ok: dict[str, Any], body: dict[str, Any] | None = None) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "summary": summary,
        "responses": {"200": ok, "400": _ERROR, "401": _ERROR},
    }
    if body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": body}},
        }
    return operation


def openapi_document(server_url: str) -> dict[str, Any]:
    """The OpenAPI 3.1 document for the control API of a provider at ``server_url``."""
    fault = _schema(FAULT_OPTIONS)
    created = _op("Queue one fault, or a list of faults, in order", _json("queued"))
    created["requestBody"] = {
        "required": True,
        "content": {
            "application/json": {"schema": {"oneOf": [fault, {"type": "array", "items": fault}]}}
        },
    }
    created["responses"]["201"] = created["responses"].pop("200")
    add_client = _op("Register or replace a client", _json("registered"), _schema(CLIENT_OPTIONS))
    add_client["responses"]["201"] = add_client["responses"].pop("200")
    clock = {
        "type": "object",
        "properties": {"advance": {"type": "number", "description": "seconds to move"}},
        "required": ["advance"],
        "additionalProperties": False,
    }
    token = {"type": "object", "properties": {"token": {"type": "string"}}, "required": ["token"]}
    paths: dict[str, Any] = {
        "/_mock/faults": {
            "get": _op("Queued faults, and those that never fired", _json("the fault queue")),
            "post": created,
            "delete": _op("Clear every queued fault", _json("cleared")),
        },
        "/_mock/clients": {
            "get": _op("Registered clients (without secrets)", _json("the clients")),
            "post": add_client,
        },
        "/_mock/clients/{client_id}": {
            "parameters": [
                {"name": "client_id", "in": "path", "required": True, "schema": {"type": "string"}}
            ],
            "get": _op("One registered client", _json("the client")),
            "delete": _op("Remove a client; its tokens stop working", _json("removed")),
        },
        "/_mock/quirks": {
            "get": _op("Quirks in force", _json("provider-wide and per-client quirks")),
            "post": _op("Switch quirks on", _json("the quirks now"), _schema(QUIRK_REQUEST)),
            "delete": _op("Back to conformant token responses", _json("cleared")),
        },
        "/_mock/clock": {
            "get": _op("The provider clock", _json("the time")),
            "post": _op("Move the provider clock (clock skew)", _json("the new time"), clock),
        },
        "/_mock/requests": {
            "get": {
                **_op(
                    "Recorded requests, oldest first, secrets redacted; header fields "
                    "X-Mock-Dropped (how many the bounded log dropped) and X-Mock-Max-Requests",
                    _json("the request log", {"type": "array", "items": _RECORDED}),
                ),
                "parameters": [
                    {
                        "name": name,
                        "in": "query",
                        "required": False,
                        "schema": {"type": "integer" if name == "status" else "string"},
                    }
                    for name in CONTROL_FILTERS
                ],
            },
            "post": _op(
                "Set how many requests the log keeps (the oldest are dropped)",
                _json("max_requests and dropped"),
                {
                    "type": "object",
                    "properties": {"max_requests": {"type": "integer", "minimum": 1}},
                    "required": ["max_requests"],
                },
            ),
            "delete": _op("Forget the recorded requests", _json("cleared")),
        },
        "/_mock/revoke-all": {"post": _op("Revoke every token", _json("how many"))},
        "/_mock/expire": {"post": _op("Expire one token now", _json("expired"), token)},
        "/_mock/rotate-signing-key": {
            "post": _op("Rotate the JWT signing key; older JWTs fail", _json("rotated"))
        },
        "/_mock/reset": {
            "post": _op("Back to the start-up state (clients, quirks, faults)", _json("reset"))
        },
        "/_mock/openapi.json": {"get": _op("This document", _json("OpenAPI 3.1"))},
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "pytest-oauthcc mock provider control API",
            "version": "1",
            "description": "Script the mock OAuth provider over HTTP: faults, quirks, "
            "clients, clock, recorded requests. Needs 'Authorization: Bearer <control "
            "token>' when the server listens beyond loopback.",
        },
        "servers": [{"url": server_url}],
        "components": {
            "securitySchemes": {"controlToken": {"type": "http", "scheme": "bearer"}},
            "schemas": {"Fault": fault, "RecordedRequest": _RECORDED},
        },
        "paths": paths,
    }
