"""The Fixtures, Markers and Testing-your-client pages and docs/examples/ run: every Python
block is a test module."""

from __future__ import annotations

import re

import pytest

from pytest_oauthcc.plugin.options import marker_signature
from tests.docs_blocks import DOCS, code_blocks

SERVICEX = DOCS.parent / "examples" / "connections" / "servicex.oauthcc.yaml"
TEST = re.compile(r"^\s*(?:async\s+)?def test_", re.MULTILINE)


def blocks(page: str, language: str) -> list[str]:
    return code_blocks(page, language)


def normalized(text: str) -> str:
    return " ".join(text.split()).replace("( ", "(")


@pytest.mark.parametrize("page", ["fixtures.md", "markers.md", "testing-your-client.md"])
def test_every_python_block_of_the_page_passes(pytester: pytest.Pytester, page: str):
    modules = blocks(page, "python")
    assert modules
    pytester.makepyfile(**{f"test_block_{n}": body for n, body in enumerate(modules, 1)})
    (pytester.path / "servicex.oauthcc.yaml").write_text(SERVICEX.read_text(encoding="utf-8"))
    result = pytester.runpytest(*(f"test_block_{n}.py" for n in range(1, len(modules) + 1)))
    expected = sum(len(TEST.findall(body)) for body in modules)
    result.assert_outcomes(passed=expected)


def test_the_examples_run_as_tests(pytester: pytest.Pytester):
    examples = DOCS / "examples"
    files = sorted(p for p in examples.rglob("*") if p.is_file() and p.suffix != ".md")
    assert [p.relative_to(examples).as_posix() for p in files] == [
        "connections/servicex.oauthcc.yaml",
        "test_connections.py",
        "test_provider_failure.py",
        "test_token_renewal.py",
    ]
    for path in files:
        target = pytester.path / path.relative_to(examples)
        target.parent.mkdir(exist_ok=True)
        target.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    result = pytester.runpytest()
    # 10 example tests, and the connection file's nine steps (refresh is not configured).
    result.assert_outcomes(passed=18, skipped=1)
    result.stdout.fnmatch_lines(["*- oauthcc connections -*", "connection  *", "ServiceX  *"])


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
    examples = DOCS / "examples"
    page = (examples / "index.md").read_text(encoding="utf-8")
    for path in [*examples.glob("test_*.py"), *examples.glob("connections/*")]:
        assert f'--8<-- "docs/examples/{path.relative_to(examples).as_posix()}"' in page
