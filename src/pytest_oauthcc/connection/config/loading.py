"""Reading connection files (YAML, JSON, TOML) into plain data plus a key -> line map.

Line numbers come from the parser where it offers them (PyYAML node marks) and from a
small line scanner for TOML, so every config error can name the line of its key.

Layering: the bottom of ``connection/``: imports the standard library, PyYAML,
:mod:`pytest_oauthcc.connection.errors` and :mod:`mock_provider.protocol` only; never
``rules/``, ``steps/``, httpx or the plugin.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from pytest_oauthcc.connection.errors import ConfigError, ConfigProblem

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]

__all__ = ["SUFFIXES", "Document", "find_connection_files", "is_connection_file", "load_document"]

SUFFIXES = (".oauthcc.yaml", ".oauthcc.yml", ".oauthcc.json", ".oauthcc.toml")

KeyPath = tuple[str | int, ...]


def is_connection_file(path: Path) -> bool:
    """Whether ``path`` is named like a connection file (``*.oauthcc.{yaml,yml,json,toml}``)."""
    return path.name.lower().endswith(SUFFIXES)


def find_connection_files(paths: list[Path]) -> list[Path]:
    """Expand files and directories (recursively) into connection files, sorted per argument.

    A file named explicitly is kept whatever its name; a directory contributes only files
    named like connection files.
    """
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.is_file() and is_connection_file(p))
        else:
            found.append(path)
    return found


def dotted(key: KeyPath) -> str:
    """``("fields", 1, "label")`` -> ``fields[1].label``."""
    out = ""
    for part in key:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


@dataclass
class Document:
    """A parsed connection file: its data and where each key is."""

    path: str
    data: Any
    lines: dict[KeyPath, int] = field(default_factory=dict)

    def line(self, key: KeyPath) -> int:
        """The line of ``key``, or of its closest parent that has one (1 at worst)."""
        for end in range(len(key), 0, -1):
            found = self.lines.get(key[:end])
            if found is not None:
                return found
        return 1

    def problem(self, key: KeyPath, message: str) -> ConfigProblem:
        """A :class:`ConfigProblem` at ``key`` of this file."""
        return ConfigProblem(self.path, self.line(key), dotted(key), message)


def load_document(path: str | Path) -> Document:
    """Read and parse one connection file.

    Raises:
        ConfigError: if the file cannot be read or is not valid YAML, JSON or TOML.
    """
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problem = ConfigProblem(name, 1, "", f"cannot read the file: {exc}")
        raise ConfigError(name, [problem]) from None
    lower = name.lower()
    try:
        if lower.endswith(".json"):
            doc = _load_json(name, text)
        elif lower.endswith(".toml"):
            doc = _load_toml(name, text)
        else:
            doc = _load_yaml(name, text)
    except RecursionError:
        # The parsers recurse once per nesting level: a pathological file must be a config
        # error, not a crash of the loader (or of `oauthcc check` on a whole folder).
        problem = ConfigProblem(name, 1, "", f"nested too deeply to read (>{MAX_DEPTH} levels)")
        raise ConfigError(name, [problem]) from None
    problems = _shape_problems(doc)
    if problems:
        raise ConfigError(name, problems)
    return doc


# A connection config nests a handful of levels; mock answers a few more.
MAX_DEPTH = 64


def _shape_problems(doc: Document) -> list[ConfigProblem]:
    """Keys that are not strings (YAML ``1:``, ``null:``) and absurd nesting, which the
    schema validator and the line map cannot describe."""
    problems: list[ConfigProblem] = []
    stack: list[tuple[Any, KeyPath]] = [(doc.data, ())]
    while stack:
        value, key = stack.pop()
        if len(key) > MAX_DEPTH:
            return [doc.problem(key[:MAX_DEPTH], f"nested more than {MAX_DEPTH} levels deep")]
        if isinstance(value, dict):
            for name, item in value.items():
                if isinstance(name, str):
                    stack.append((item, (*key, name)))
                else:
                    problems.append(
                        doc.problem(key, f"key {name!r} is not a string; quote it: '{name}'")
                    )
        elif isinstance(value, list):
            stack.extend((item, (*key, index)) for index, item in enumerate(value))
    return sorted(problems, key=lambda p: p.line)


# libyaml's loader when PyYAML was built with it: parsing dominates `oauthcc check` on a
# folder of connections, and the C loader is several times faster with the same marks.
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _compose(text: str, *, construct: bool) -> tuple[yaml.Node | None, Any]:
    """Parse once: the node tree (for line numbers) and, if asked, the data built from it."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if construct and node is not None else None
    finally:
        loader.dispose()
    return node, data


def _load_yaml(name: str, text: str) -> Document:
    try:
        node, data = _compose(text, construct=True)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        why = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(name, [ConfigProblem(name, line, "", f"not valid YAML: {why}")]) from None
    lines: dict[KeyPath, int] = {}
    if node is not None:
        _node_lines(node, (), lines)
    return Document(name, data, lines)


def _node_lines(node: yaml.Node, key: KeyPath, lines: dict[KeyPath, int]) -> None:
    lines.setdefault(key, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            child = (*key, str(key_node.value))
            lines[child] = key_node.start_mark.line + 1
            _node_lines(value_node, child, lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _node_lines(item, (*key, index), lines)


def _load_json(name: str, text: str) -> Document:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        problem = ConfigProblem(name, exc.lineno, "", f"not valid JSON: {exc.msg}")
        raise ConfigError(name, [problem]) from None
    lines: dict[KeyPath, int] = {}
    # JSON is (for line-finding purposes) YAML flow syntax, so PyYAML's marks locate keys.
    try:
        node, _ = _compose(text, construct=False)
    except yaml.YAMLError:  # e.g. a tab PyYAML dislikes: keep going without line numbers
        node = None
    if node is not None:
        _node_lines(node, (), lines)
    return Document(name, data, lines)


_TABLE = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(
    r"""^\s*((?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*="""
)


def _toml_key(raw: str) -> list[str]:
    parts = re.findall(r"""[A-Za-z0-9_-]+|"[^"]*"|'[^']*'""", raw)
    return [p[1:-1] if p[:1] in "\"'" else p for p in parts]


def _load_toml(name: str, text: str) -> Document:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        line = int(match.group(1)) if match else 1
        raise ConfigError(name, [ConfigProblem(name, line, "", f"not valid TOML: {exc}")]) from None
    lines: dict[KeyPath, int] = {}
    table: KeyPath = ()
    arrays: dict[KeyPath, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        header = _TABLE.match(raw)
        if header:
            key: KeyPath = tuple(_toml_key(header.group(2)))
            if header.group(1) == "[[":
                arrays[key] = arrays.get(key, -1) + 1
                lines.setdefault(key, number)
                key = (*key, arrays[key])
            table = key
            lines.setdefault(table, number)
            continue
        assignment = _KEY.match(raw)
        if assignment:
            lines.setdefault((*table, *_toml_key(assignment.group(1))), number)
    return Document(name, data, lines)
