"""docs/strategies.md: every Python block is a test module, and each one passes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.docs_blocks import DOCS, code_blocks

PAGE = DOCS / "strategies.md"
TEST = re.compile(r"^def test_", re.MULTILINE)


def python_blocks() -> list[str]:
    return code_blocks(PAGE)


def test_every_python_block_of_the_strategies_page_passes(pytester: pytest.Pytester) -> None:
    modules = python_blocks()
    assert len(modules) == 5
    pytester.makepyfile(**{f"test_strategies_{n}": body for n, body in enumerate(modules, 1)})
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=sum(len(TEST.findall(body)) for body in modules))


def test_the_profile_snippet_is_the_suite_s_own() -> None:
    conftest = (Path(__file__).parent / "conftest.py").read_text(encoding="utf-8")
    assert 'os.environ.get("HYPOTHESIS_PROFILE", "ci")' in conftest
    assert 'settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))' in PAGE.read_text(
        encoding="utf-8"
    )
