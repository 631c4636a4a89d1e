"""The format reference in docs/connections.md, generated from the JSON Schema.

``python -m pytest_oauthcc.connection.config.reference docs/connections.md`` rewrites the part of
the page between the reference markers; a test fails when the page and schema disagree.

Layering: the bottom of ``connection/``: imports the standard library, PyYAML,
:mod:`pytest_oauthcc.connection.errors` and :mod:`mock_provider.protocol` only; never
``rules/``, ``steps/``, httpx or the plugin.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .schema import SCHEMA

__all__ = ["BEGIN", "END", "reference_markdown", "update_page"]

BEGIN = "<!-- reference:begin (generated from the JSON Schema; do not edit) -->"
END = "<!-- reference:end -->"


def _type(schema: dict[str, Any]) -> str:
    if "const" in schema:
        return f"`{json.dumps(schema['const'])}`"
    if "enum" in schema:
        return " \\| ".join(f"`{json.dumps(v)}`" for v in schema["enum"])
    kind = schema.get("type", "any")
    if isinstance(kind, list):
        kind = " or ".join(kind)
    if kind == "array" and "items" in schema:
        item = schema["items"].get("type", "object")
        return f"list of {item}"
    if kind == "object" and isinstance(schema.get("additionalProperties"), dict):
        inner = schema["additionalProperties"].get("type", "object")
        return f"map of {inner}"
    return str(kind)


def _rows(schema: dict[str, Any], prefix: str) -> Iterator[str]:
    required = set(schema.get("required", ()))
    for name, sub in schema.get("properties", {}).items():
        key = f"{prefix}{name}"
        need = "yes" if name in required else ""
        default = f"`{json.dumps(sub['default'])}`" if "default" in sub else ""
        text = sub.get("description", "").replace("|", "\\|")
        yield f"| `{key}` | {_type(sub)} | {need} | {default} | {text} |"
        if sub.get("properties"):
            yield from _rows(sub, f"{key}.")
        items = sub.get("items")
        if isinstance(items, dict) and items.get("properties"):
            yield from _rows(items, f"{key}[].")


def reference_markdown() -> str:
    """The reference table of every key, from :data:`SCHEMA`."""
    head = [
        "| key | type | required | default | meaning |",
        "|---|---|---|---|---|",
    ]
    return "\n".join([BEGIN, "", *head, *_rows(SCHEMA, ""), "", END])


def update_page(path: Path) -> bool:
    """Rewrite the generated part of ``path``; return whether it changed."""
    text = path.read_text(encoding="utf-8")
    start, end = text.index(BEGIN), text.index(END) + len(END)
    new = text[:start] + reference_markdown() + text[end:]
    path.write_text(new, encoding="utf-8")
    return new != text


if __name__ == "__main__":  # pragma: no cover - a maintainer's command
    for arg in sys.argv[1:]:
        print(f"{arg}: {'updated' if update_page(Path(arg)) else 'up to date'}")
