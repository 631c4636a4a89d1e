"""A minimal TOML writer for generated connection configs (no extra dependency).

Covers what a connection config holds: tables, arrays of tables, strings, integers,
booleans and arrays of those. TOML has no null, so a ``None`` value is refused.

Layering: imports Hypothesis, PyYAML and what :mod:`mock_provider` exports; never the plugin
(the connection format only inside runnable examples).
"""

from __future__ import annotations

import json
import re
from typing import Any

__all__ = ["to_toml"]

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def _key(name: str) -> str:
    return name if _BARE_KEY.fullmatch(name) else json.dumps(name, ensure_ascii=False)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        # JSON string escapes are TOML basic-string escapes; callers avoid U+007F.
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"TOML cannot hold {type(value).__name__} values")


def _is_table_array(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def _table(data: dict[str, Any], path: tuple[str, ...], out: list[str]) -> None:
    for name, value in data.items():
        if not isinstance(value, dict) and not _is_table_array(value):
            out.append(f"{_key(name)} = {_value(value)}")
    for name, value in data.items():
        if isinstance(value, dict):
            header = ".".join(_key(p) for p in (*path, name))
            out += ["", f"[{header}]"]
            _table(value, (*path, name), out)
        elif _is_table_array(value):
            header = ".".join(_key(p) for p in (*path, name))
            for item in value:
                out += ["", f"[[{header}]]"]
                _table(item, (*path, name), out)


def to_toml(data: dict[str, Any]) -> str:
    """``data`` as TOML text.

    Raises:
        TypeError: for a value TOML cannot hold (``None``, floats are not used here).
    """
    out: list[str] = []
    _table(data, (), out)
    return "\n".join(out).lstrip("\n") + "\n"
