"""Reading connection files (YAML, JSON, TOML) into plain data plus a key -> line map.

Lines and columns come from the parser where it offers them (PyYAML node marks) and from a
small line scanner for TOML, so every config error can name the line and column of its key.
Duplicate keys, which YAML and JSON parsers accept silently (the last wins), are refused.

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

from .duplicates import Duplicate, json_duplicates, yaml_duplicates

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
    """A parsed connection file: its data and where each key is (line, and column)."""

    path: str
    data: Any
    lines: dict[KeyPath, int] = field(default_factory=dict)
    columns: dict[KeyPath, int] = field(default_factory=dict)

    def _located(self, key: KeyPath) -> KeyPath | None:
        for end in range(len(key), -1, -1):
            if key[:end] in self.lines:
                return key[:end]
        return None

    def line(self, key: KeyPath) -> int:
        """The line of ``key``, or of its closest parent that has one (1 at worst)."""
        found = self._located(key)
        return self.lines[found] if found is not None else 1

    def column(self, key: KeyPath) -> int | None:
        """The column of ``key`` (or of the parent :meth:`line` names), when known."""
        found = self._located(key)
        return self.columns.get(found) if found is not None else None

    def problem(self, key: KeyPath, message: str) -> ConfigProblem:
        """A :class:`ConfigProblem` at ``key`` of this file."""
        return ConfigProblem(self.path, self.line(key), dotted(key), message, self.column(key))


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
    if not _meaningful(text):
        problem = ConfigProblem(
            name, 1, "", "the file is empty; a connection config starts with 'version: 1'", 1
        )
        raise ConfigError(name, [problem])
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


def _meaningful(text: str) -> bool:
    """Whether ``text`` has anything but blank lines and ``#`` comments."""
    return any(line.strip() and not line.strip().startswith("#") for line in text.splitlines())


def _duplicate_problems(name: str, found: list[Duplicate]) -> list[ConfigProblem]:
    return [
        ConfigProblem(
            name,
            d.again[0],
            dotted(d.key),
            f"duplicate key {d.key[-1]!r}, first written at line {d.first[0]}, column "
            f"{d.first[1]}; YAML and JSON parsers silently keep only the last: remove one",
            d.again[1],
        )
        for d in found
    ]


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
        raise ConfigError(name, [_yaml_problem(name, text, exc)]) from None
    duplicates = yaml_duplicates(node)
    if duplicates:
        raise ConfigError(name, _duplicate_problems(name, duplicates))
    if data is None:
        problem = ConfigProblem(
            name, 1, "", "the file has no data; a connection config starts with 'version: 1'", 1
        )
        raise ConfigError(name, [problem])
    doc = Document(name, data)
    if node is not None:
        _node_lines(node, (), doc)
    return doc


def _yaml_problem(name: str, text: str, exc: yaml.YAMLError) -> ConfigProblem:
    mark = getattr(exc, "problem_mark", None)
    context = getattr(exc, "context_mark", None)
    why = getattr(exc, "problem", None) or str(exc)
    if mark is None:
        return ConfigProblem(name, 1, "", f"not valid YAML: {why}", 1)
    # A construct left open (a quote, a bracket) is only noticed at the end of the file, a
    # line or more after the mistake: the mistake is where the construct starts.
    if mark.index >= len(text.rstrip()) and context is not None:
        return ConfigProblem(
            name,
            context.line + 1,
            "",
            f"not valid YAML: {why} (the {_construct(exc)} that starts here is never closed)",
            context.column + 1,
        )
    if context is not None:
        why += (
            f" (in the {_construct(exc)} at line {context.line + 1}, column {context.column + 1})"
        )
    return ConfigProblem(name, mark.line + 1, "", f"not valid YAML: {why}", mark.column + 1)


def _construct(exc: yaml.YAMLError) -> str:
    """``'while parsing a flow sequence'`` -> ``'flow sequence'``."""
    words = str(getattr(exc, "context", "") or "construct").split()
    while words and words[0] in ("while", "parsing", "scanning", "a", "an"):
        words.pop(0)
    return " ".join(words) or "construct"


def _node_lines(node: yaml.Node, key: KeyPath, doc: Document) -> None:
    doc.lines.setdefault(key, node.start_mark.line + 1)
    doc.columns.setdefault(key, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            child = (*key, str(key_node.value))
            doc.lines[child] = key_node.start_mark.line + 1
            doc.columns[child] = key_node.start_mark.column + 1
            _node_lines(value_node, child, doc)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _node_lines(item, (*key, index), doc)


def _load_json(name: str, text: str) -> Document:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        problem = ConfigProblem(name, exc.lineno, "", f"not valid JSON: {exc.msg}", exc.colno)
        raise ConfigError(name, [problem]) from None
    duplicates = json_duplicates(text)
    if duplicates:
        raise ConfigError(name, _duplicate_problems(name, duplicates))
    doc = Document(name, data)
    # JSON is (for line-finding purposes) YAML flow syntax, so PyYAML's marks locate keys.
    try:
        node, _ = _compose(text, construct=False)
    except yaml.YAMLError:  # e.g. a tab PyYAML dislikes: keep going without line numbers
        node = None
    if node is not None:
        _node_lines(node, (), doc)
    return doc


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
        match = re.search(r"line (\d+), column (\d+)", str(exc))
        line, column = (int(match.group(1)), int(match.group(2))) if match else (1, 1)
        problem = ConfigProblem(name, line, "", f"not valid TOML: {exc}", column)
        raise ConfigError(name, [problem]) from None
    doc = Document(name, data)
    lines, columns = doc.lines, doc.columns
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
            columns.setdefault(table, len(raw) - len(raw.lstrip()) + 1)
            continue
        assignment = _KEY.match(raw)
        if assignment:
            key = (*table, *_toml_key(assignment.group(1)))
            lines.setdefault(key, number)
            columns.setdefault(key, assignment.start(1) + 1)
    return doc
