"""The README and the docs name only options that exist, and only the placeholders that exist."""

from __future__ import annotations

import re

import pytest

from tests.docs_blocks import ROOT

PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def _text() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in PAGES)


def test_every_pytest_option_named_in_the_docs_exists(pytestconfig: pytest.Config) -> None:
    named = set(re.findall(r"--oauthcc-[a-z-]+", _text()))
    assert named
    unknown = []
    for name in sorted(named):
        try:
            pytestconfig.getoption(name.removeprefix("--").replace("-", "_"))
        except ValueError:
            unknown.append(name)
    assert unknown == []


def test_live_mode_is_named_by_the_flag_of_each_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "add `--live` to `oauthcc check` or `--oauthcc-live` to `pytest`" in readme


def test_no_page_speaks_of_dollar_placeholders() -> None:
    # Connection files have {{ namespace.path }} placeholders; ${VAR} does not exist.
    assert re.findall(r"\$\{[A-Za-z_]+\}", _text()) == []
