"""Duplicate keys in a YAML or JSON mapping: both parsers keep the last silently; we refuse.

PyYAML's node tree has a mark (line, column) on every key. Python's ``json`` offers no
positions to ``object_pairs_hook``, so valid JSON is scanned once more by a decoder whose
object and array parsers record where each key starts (TOML refuses duplicates itself).

Layering: the bottom of ``connection/``: imports the standard library, PyYAML,
:mod:`pytest_oauthcc.connection.errors` and :mod:`mock_provider.protocol` only; never
``rules/``, ``steps/``, httpx or the plugin.
"""

from __future__ import annotations

import json
import json.decoder
import json.scanner
import re
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import yaml

__all__ = ["Duplicate", "json_duplicates", "position", "yaml_duplicates"]

KeyPath = tuple[str | int, ...]
_WHITESPACE = re.compile(r"[ \t\n\r]*")  # JSON's whitespace (RFC 8259 §2)
# The stdlib's string scanner (json.decoder.scanstring): not in typeshed, stable since 2.6.
_scanstring: Callable[[str, int], tuple[str, int]] = json.decoder.scanstring  # type: ignore[attr-defined]
Position = tuple[int, int]  # 1-based line and column


@dataclass(frozen=True)
class Duplicate:
    """A key written twice in one mapping: where first, and where again."""

    key: KeyPath
    first: Position
    again: Position


def position(text: str, index: int) -> Position:
    """The 1-based line and column of character ``index`` of ``text``."""
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def yaml_duplicates(node: yaml.Node | None, key: KeyPath = ()) -> list[Duplicate]:
    """Every key repeated in a mapping of the tree under ``node``."""
    found: list[Duplicate] = []
    stack: list[tuple[yaml.Node, KeyPath]] = [(node, key)] if node is not None else []
    while stack:
        current, path = stack.pop()
        if isinstance(current, yaml.MappingNode):
            seen: dict[str, Position] = {}
            for key_node, value_node in current.value:
                name = str(key_node.value)
                mark = key_node.start_mark
                where = (mark.line + 1, mark.column + 1)
                if name in seen and key_node.tag != "tag:yaml.org,2002:merge":
                    found.append(Duplicate((*path, name), seen[name], where))
                seen.setdefault(name, where)
                stack.append((value_node, (*path, name)))
        elif isinstance(current, yaml.SequenceNode):
            stack.extend((item, (*path, index)) for index, item in enumerate(current.value))
    return sorted(found, key=lambda d: d.again)


def json_duplicates(text: str) -> list[Duplicate]:
    """Every key repeated in an object of ``text``, which must be valid JSON."""
    found: list[Duplicate] = []
    path: list[str | int] = []

    def skip(s: str, end: int) -> int:
        return _WHITESPACE.match(s, end).end()  # type: ignore[union-attr]

    def parse_object(s_and_end: tuple[str, int], *_: Any, **__: Any) -> tuple[Any, int]:
        s, end = s_and_end  # just after "{"
        seen: dict[str, int] = {}
        end = skip(s, end)
        while s[end] != "}":
            start = end
            name, end = _scanstring(s, end + 1)
            if name in seen:
                found.append(Duplicate((*path, name), position(s, seen[name]), position(s, start)))
            seen.setdefault(name, start)
            end = skip(s, skip(s, end) + 1)  # past ":"
            path.append(name)
            _, end = scan(s, end)
            path.pop()
            end = skip(s, end)
            if s[end] == ",":
                end = skip(s, end + 1)
        return None, end + 1

    def parse_array(s_and_end: tuple[str, int], *_: Any, **__: Any) -> tuple[Any, int]:
        s, end = s_and_end  # just after "["
        end = skip(s, end)
        index = 0
        while s[end] != "]":
            path.append(index)
            _, end = scan(s, end)
            path.pop()
            end = skip(s, end)
            if s[end] == ",":
                end = skip(s, end + 1)
            index += 1
        return None, end + 1

    # The pure-Python scanner calls back into these parsers for every object and array.
    context = SimpleNamespace(
        parse_object=parse_object,
        parse_array=parse_array,
        parse_string=_scanstring,
        strict=True,
        parse_float=float,
        parse_int=int,
        parse_constant=lambda name: None,
        object_hook=None,
        object_pairs_hook=None,
        memo={},
    )
    scan = json.scanner.py_make_scanner(context)  # type: ignore[attr-defined]
    scan(text, skip(text, 0))
    return found
