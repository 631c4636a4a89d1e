"""``{{ namespace.path }}`` placeholders: parsing, static resolution and rendering.

Placeholders are looked up, never evaluated: the text between the braces must be a
namespace (``fields``, ``env``, ``test``, ``token``) and a dotted path of keys or list
indexes. Anything else is an error, so a config can never run code.

Layering: the bottom of ``connection/``: imports the standard library, PyYAML,
:mod:`pytest_oauthcc.connection.errors` and :mod:`mock_provider.protocol` only; never
``rules/``, ``steps/``, httpx or the plugin.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = [
    "NAMESPACES",
    "Placeholder",
    "PlaceholderError",
    "find_placeholders",
    "lookup",
    "render",
    "syntax_problems",
]

NAMESPACES = ("fields", "env", "test", "token")
_ANY = re.compile(r"\{\{(.*?)\}\}")
_REFERENCE = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)((?:\.[A-Za-z0-9_-]+)+)\s*$")
_MISSING = object()


class PlaceholderError(ValueError):
    """A placeholder that does not resolve (the message names it and what was available)."""


@dataclass(frozen=True)
class Placeholder:
    """One ``{{ namespace.path }}`` reference found in a template."""

    text: str
    namespace: str
    path: tuple[str, ...]

    @property
    def name(self) -> str:
        """``namespace.path`` as written, without braces or spaces."""
        return ".".join((self.namespace, *self.path))


def syntax_problems(template: str) -> list[str]:
    """Messages for every malformed placeholder or unknown namespace in ``template``."""
    problems = []
    for match in _ANY.finditer(template):
        inner = match.group(1)
        ref = _REFERENCE.match(inner)
        if ref is None:
            problems.append(
                f"placeholder {match.group(0)!r} is not a reference: write "
                "{{ namespace.key }} (no expressions, filters or code are evaluated)"
            )
        elif ref.group(1) not in NAMESPACES:
            problems.append(
                f"unknown placeholder name {ref.group(1)!r} in {match.group(0)!r}; "
                f"use one of: {', '.join(NAMESPACES)}"
            )
    stray = _ANY.sub("", template)
    if "{{" in stray or "}}" in stray:
        problems.append("unbalanced '{{' or '}}' in the value")
    return problems


def find_placeholders(template: str) -> list[Placeholder]:
    """The well-formed placeholders of ``template`` with a known namespace, in order."""
    found = []
    for match in _ANY.finditer(template):
        ref = _REFERENCE.match(match.group(1))
        if ref is not None and ref.group(1) in NAMESPACES:
            found.append(
                Placeholder(match.group(0), ref.group(1), tuple(ref.group(2)[1:].split(".")))
            )
    return found


def lookup(context: Mapping[str, Any], placeholder: Placeholder) -> Any:
    """The value ``placeholder`` names in ``context`` (namespace -> data).

    Raises:
        PlaceholderError: if the namespace is not available or the path does not exist.
    """
    if placeholder.namespace not in context:
        raise PlaceholderError(
            f"{{{{ {placeholder.name} }}}}: {placeholder.namespace!r} is not available here"
        )
    value: Any = context[placeholder.namespace]
    for depth, part in enumerate(placeholder.path):
        nxt: Any = _MISSING
        if isinstance(value, Mapping):
            nxt = value.get(part, _MISSING)
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            nxt = value[int(part)]
        if nxt is _MISSING:
            where = ".".join((placeholder.namespace, *placeholder.path[:depth])) or "it"
            keys = sorted(map(str, value)) if isinstance(value, Mapping) else []
            known = f"; {where} has: {', '.join(keys)}" if keys else ""
            raise PlaceholderError(
                f"{{{{ {placeholder.name} }}}} does not resolve: no {part!r} in {where}{known}"
            )
        value = nxt
    return value


def render(template: str, context: Mapping[str, Any]) -> str:
    """Replace every placeholder of ``template`` with its value from ``context``.

    Raises:
        PlaceholderError: if a placeholder is malformed or does not resolve, or names a
            list or mapping (only scalars are rendered).
    """
    problems = syntax_problems(template)
    if problems:
        raise PlaceholderError(problems[0])

    def replace(match: re.Match[str]) -> str:
        (placeholder,) = find_placeholders(match.group(0))
        value = lookup(context, placeholder)
        if isinstance(value, (Mapping, list)):
            raise PlaceholderError(
                f"{{{{ {placeholder.name} }}}} is a {type(value).__name__}, not a single value"
            )
        if value is None:
            raise PlaceholderError(f"{{{{ {placeholder.name} }}}} is null")
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)

    return _ANY.sub(replace, template)
