"""Code blocks of the docs pages, so every page's examples run as tests from one extractor."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"

_FENCE = re.compile(r"^```(\w+)\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def code_blocks(page: str | Path, language: str = "python") -> list[str]:
    """The bodies of the fenced ``language`` blocks of ``page`` (a path relative to docs/)."""
    text = (DOCS / page).read_text(encoding="utf-8")
    return [body for lang, body in _FENCE.findall(text) if lang == language]


def run_example(source: str, page: str | Path) -> None:
    """Execute one example in a fresh namespace; tracebacks name the docs page."""
    exec(compile(source, str(DOCS / page), "exec"), {"__name__": "docs_example"})
