"""The Fixtures and Markers pages and docs/examples/ run: every Python block is a test module."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pytest_oauthcc._options import marker_signature

DOCS = Path(__file__).parents[2] / "docs"
TEST = re.compile(r"^\s*(?:async\s+)?def test_", re.MULTILINE)
BLOCK = re.compile(r"^```(\w+)\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def blocks(page: str, language: str) -> list[str]:
    text = (DOCS / page).read_text(encoding="utf-8")
    return [body for lang, body in BLOCK.findall(text) if lang == language]


def normalized(text: str) -> str:
    return " ".join(text.split()).replace("( ", "(")


@pytest.mark.parametrize("page", ["fixtures.md", "markers.md"])
def test_every_python_block_of_the_page_passes(pytester: pytest.Pytester, page: str):
    modules = blocks(page, "python")
    assert modules
    pytester.makepyfile(**{f"test_block_{n}": body for n, body in enumerate(modules, 1)})
    result = pytester.runpytest("-p", "no:randomly")
    expected = sum(len(TEST.findall(body)) for body in modules)
    result.assert_outcomes(passed=expected)


def test_the_examples_run_as_tests(pytester: pytest.Pytester):
    examples = sorted((DOCS / "examples").glob("test_*.py"))
    assert [p.name for p in examples] == ["test_provider_failure.py", "test_token_renewal.py"]
    for path in examples:
        pytester.makepyfile(**{path.stem: path.read_text(encoding="utf-8")})
    result = pytester.runpytest()
    outcomes = result.parseoutcomes()
    assert set(outcomes) == {"passed"}
    assert outcomes["passed"] == 8


def test_the_documented_signature_is_the_markers(pytester: pytest.Pytester):
    signature = blocks("markers.md", "text")[0]
    assert normalized(signature) == normalized("@pytest.mark." + marker_signature())


def test_the_documented_messages_are_the_real_ones(pytester: pytest.Pytester):
    typo, unmatched = blocks("markers.md", "text")[1:3]
    pytester.makepyfile(
        """
        import httpx
        import pytest

        @pytest.mark.oauth_provider(expire_in=5)
        def test_typo(oauth_provider):
            pass

        def test_unmatched(oauth_provider):
            httpx.post(oauth_provider.url + "/oauth/tokens")
        """
    )
    result = pytester.runpytest("--tb=short")
    result.assert_outcomes(failed=1, errors=1)
    out = result.stdout.str()
    typo_line = next(line for line in out.splitlines() if line.startswith("E   TypeError"))
    assert normalized(typo) == normalized(typo_line)
    result.stdout.fnmatch_lines(
        [line.replace("[", "[[]").replace("[[][[]]", "[[]") for line in unmatched.splitlines()]
    )


def test_the_examples_page_includes_every_example():
    page = (DOCS / "examples" / "index.md").read_text(encoding="utf-8")
    for path in (DOCS / "examples").glob("test_*.py"):
        assert f'--8<-- "docs/examples/{path.name}"' in page
