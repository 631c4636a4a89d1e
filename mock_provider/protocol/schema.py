"""A JSON Schema validator for exactly the keywords the connection schema uses.

``const``, ``enum``, ``type``, ``minLength``, ``pattern``, ``minimum``, ``maximum``,
``minItems``, ``items``, ``required``, ``minProperties``, ``properties`` and
``additionalProperties``: enough for the format, with messages a connector author reads
("unknown key; did you mean 'token'?"), and no dependency. The tests cross-check it with
``jsonschema``. ``const`` and ``enum`` compare as JSON does: ``true`` is not ``1``.

Layering: pure; imports only the standard library.
"""

from __future__ import annotations

import difflib
import json
import re
from typing import Any

__all__ = ["validate_schema"]


_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "boolean": (bool,),
    "object": (dict,),
    "array": (list,),
    "null": (type(None),),
}


def _is(value: Any, name: str) -> bool:
    if name == "integer" and isinstance(value, bool):
        return False
    return isinstance(value, _TYPES[name])


def _json_equal(a: Any, b: Any) -> bool:
    """Equality as JSON means it: a boolean equals only a boolean (Python has ``True == 1``),
    and arrays and objects compare member by member with the same rule."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_json_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_json_equal(a[k], b[k]) for k in a)
    return bool(a == b)


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


def validate_schema(value: Any, schema: dict[str, Any]) -> list[tuple[tuple[str | int, ...], str]]:
    """Every way ``value`` breaks ``schema``, as ``(key path, message)`` pairs."""
    out: list[tuple[tuple[str | int, ...], str]] = []
    _check(value, schema, (), out)
    return out


def _value(key: tuple[str | int, ...], value: Any) -> str:
    """The value for a message, unless its key suggests a credential."""
    sensitive = any(isinstance(k, str) and ("secret" in k or "password" in k) for k in key)
    # A field's default or example may be a secret field's value: never echoed either.
    sensitive = sensitive or (key[:1] == ("fields",) and key[-1:] in (("default",), ("example",)))
    return "<redacted>" if sensitive else _show(value)


def _check(
    value: Any,
    schema: dict[str, Any],
    key: tuple[str | int, ...],
    out: list[tuple[tuple[str | int, ...], str]],
) -> None:
    if "const" in schema and not _json_equal(value, schema["const"]):
        out.append((key, f"must be {_show(schema['const'])}, got {_value(key, value)}"))
        return
    if "enum" in schema and not any(_json_equal(value, v) for v in schema["enum"]):
        choices = ", ".join(_show(v) for v in schema["enum"])
        out.append((key, f"must be one of {choices}; got {_value(key, value)}"))
        return
    types = schema.get("type")
    if types is not None:
        names = [types] if isinstance(types, str) else types
        if not any(_is(value, n) for n in names):
            out.append((key, f"must be {' or '.join(names)}, got {_value(key, value)}"))
            return
    if isinstance(value, str):
        if len(value) < schema.get("minLength", 0):
            out.append((key, "must not be empty"))
        pattern = schema.get("pattern")
        if pattern is not None and not re.search(pattern, value):
            out.append((key, f"{_value(key, value)} does not match {pattern}"))
    elif _is(value, "integer"):
        if "minimum" in schema and value < schema["minimum"]:
            out.append((key, f"must be >= {schema['minimum']}, got {value}"))
        if "maximum" in schema and value > schema["maximum"]:
            out.append((key, f"must be <= {schema['maximum']}, got {value}"))
    elif isinstance(value, list):
        if len(value) < schema.get("minItems", 0):
            out.append((key, f"needs at least {schema['minItems']} item(s)"))
        if "items" in schema:
            for index, item in enumerate(value):
                _check(item, schema["items"], (*key, index), out)
    elif isinstance(value, dict):
        _check_object(value, schema, key, out)


def _check_object(
    value: dict[str, Any],
    schema: dict[str, Any],
    key: tuple[str | int, ...],
    out: list[tuple[tuple[str | int, ...], str]],
) -> None:
    props: dict[str, Any] = schema.get("properties", {})
    for name in schema.get("required", []):
        if name not in value:
            out.append(((*key, name), "is required but missing"))
    if len(value) < schema.get("minProperties", 0):
        out.append((key, "must not be empty"))
    extra = schema.get("additionalProperties", True)
    for name, item in value.items():
        if name in props:
            _check(item, props[name], (*key, name), out)
        elif extra is False:
            close = difflib.get_close_matches(name, list(props), n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"known keys: {', '.join(props)}"
            out.append(((*key, name), f"unknown key; {hint}"))
        elif isinstance(extra, dict):
            _check(item, extra, (*key, name), out)
