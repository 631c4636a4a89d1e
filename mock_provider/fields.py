"""The fields of faults, clients and quirks as data: one table checked by the control API,
the scenario loader and the OpenAPI description alike, so the three never disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = [
    "CLIENT_FIELDS",
    "FAULT_FIELDS",
    "QUIRK_FIELDS",
    "Field",
    "check_fields",
]

# A field: (JSON types it accepts, required?, one-line description).
Field = tuple[tuple[str, ...], bool, str]

FAULT_FIELDS: dict[str, Field] = {
    "endpoint": (("string",), True, "token, revoke, introspect, me, metadata, jwks or a resource"),
    "times": (("integer", "null"), False, "how many times it fires (null: until cleared)"),
    "every": (("integer", "null"), False, "fire on every Nth matching request only"),
    "client_id": (("string", "null"), False, "only requests from this client"),
    "status": (("integer",), False, "HTTP status to answer"),
    "error": (("string",), False, "OAuth error code to answer (RFC 6749 §5.2, RFC 6750 §3.1)"),
    "error_description": (("string",), False, "error_description of that error"),
    "headers": (("object",), False, "response headers to add"),
    "body": (("string", "object"), False, "body to answer (an object is sent as JSON)"),
    "content_type": (("string",), False, "Content-Type of the answer"),
    "retry_after": (("integer", "string"), False, "Retry-After: seconds or an HTTP date"),
    "delay": (("number",), False, "seconds to wait before answering (a hang if large)"),
    "drop": (("boolean",), False, "drop (reset) the connection without answering"),
    "malformed": (
        ("string",),
        False,
        "invalid_json, truncated_json, html, empty or error_in_200",
    ),
}

CLIENT_FIELDS: dict[str, Field] = {
    "client_id": (("string",), True, "the client identifier"),
    "client_secret": (("string",), True, "the client secret (never shown back)"),
    "scopes": (("array",), False, "scopes the client may request"),
    "default_scopes": (("array", "null"), False, "scopes granted when none are requested"),
    "auth_methods": (("array",), False, "client_secret_basic and/or client_secret_post"),
    "grant_types": (("array",), False, "grants it may use (client_credentials)"),
    "expires_in": (("integer", "null"), False, "its token lifetime in seconds"),
    "audiences": (("array",), False, "audiences / RFC 8707 resources it may ask for"),
    "me": (("object",), False, "extra members of its /api/me answer"),
}

QUIRK_FIELDS: dict[str, Field] = {
    "client_id": (("string", "null"), False, "only this client's token responses"),
    "expires_in_as": (("string", "null"), False, "string, float, zero or missing"),
    "claimed_expires_in": (("integer", "null"), False, "announce this lifetime instead"),
    "expires_at": (("string", "null"), False, "epoch, epoch_ms or iso8601 instead of expires_in"),
    "lifetime_ms": (("boolean",), False, "expires_in in milliseconds"),
    "token_type": (("string", "null"), False, "bearer (lower case), missing, or any string"),
    "nest_under": (("string", "null"), False, "nest the token fields under this key"),
    "extra_fields": (("object",), False, "extra members of the token response"),
    "narrow_scope": (("array", "null"), False, "grant at most these scopes"),
    "sticky_token": (("boolean",), False, "re-issue the same still-valid token"),
    "form_encoded_response": (("boolean",), False, "answer form-encoded instead of JSON"),
    "response_charset": (("boolean",), False, "answer application/json;charset=UTF-8"),
    "reject_request_charset": (("boolean",), False, "refuse ;charset in the request type"),
}

_PYTHON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "object": (dict,),
    "array": (list, tuple),
    "null": (type(None),),
}


def _accepts(value: Any, json_types: tuple[str, ...]) -> bool:
    if isinstance(value, bool):  # a bool is an int in Python, never in JSON
        return "boolean" in json_types
    return any(isinstance(value, _PYTHON_TYPES[t]) for t in json_types)


def check_fields(data: Any, fields: Mapping[str, Field], *, what: str) -> list[tuple[str, str]]:
    """Every problem of ``data`` against ``fields``, as ``(key, message)`` pairs.

    Unknown keys, missing required keys and values of the wrong JSON type are reported
    together, each message saying what was expected.
    """
    if not isinstance(data, Mapping):
        return [("", f"a {what} must be an object (a mapping of field names to values)")]
    problems: list[tuple[str, str]] = []
    valid = ", ".join(fields)
    for key in data:
        if key not in fields:
            problems.append((str(key), f"unknown {what} field; valid fields: {valid}"))
    for key, (types, required, _) in fields.items():
        if key not in data:
            if required:
                problems.append((key, f"required {what} field is missing"))
        elif not _accepts(data[key], types):
            expected = " or ".join(types)
            shown = "(value hidden)" if "secret" in key else repr(data[key])[:80]
            problems.append(
                (key, f"expected {expected} but got {type(data[key]).__name__} {shown}")
            )
    return problems
