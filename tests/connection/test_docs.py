"""docs/connections.md: its reference is the schema's, and every example in it runs."""

from __future__ import annotations

import json
import re

import pytest

from pytest_oauthcc.cli import main
from pytest_oauthcc.connection.config.reference import BEGIN, END, reference_markdown
from tests.docs_blocks import DOCS, ROOT, code_blocks, run_example

PAGE = "connections.md"
TEXT = (DOCS / PAGE).read_text(encoding="utf-8")


def blocks(language: str) -> list[str]:
    return code_blocks(PAGE, language)


def test_the_format_reference_is_generated_from_the_schema() -> None:
    start, end = TEXT.index(BEGIN), TEXT.index(END) + len(END)
    assert TEXT[start:end] == reference_markdown(), (
        "docs/connections.md is out of date: run "
        "python -m pytest_oauthcc.connection.config.reference docs/connections.md"
    )


def test_the_yaml_example_is_the_example_file() -> None:
    (example,) = blocks("yaml")
    assert example == (ROOT / "examples/connections/servicex.oauthcc.yaml").read_text()


@pytest.mark.parametrize("code", blocks("python"))
def test_python_examples_run(code: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    run_example(code, PAGE)


def _fingerprints(text: str) -> str:
    return re.sub(r"fp:[0-9a-f]{8}", "fp:…", text)


def test_the_shown_output_is_real(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(ROOT)
    shown_check, shown_invalid = (b for b in blocks("text"))
    assert main(["check", "examples/connections"]) == 0
    out = _fingerprints(capsys.readouterr().out)
    for line in _fingerprints(shown_check).splitlines():
        assert line in out.splitlines()
    assert main(["check", "tests/connection/invalid/three-problems.oauthcc.yaml"]) == 2
    assert capsys.readouterr().out.startswith(shown_invalid)


def test_the_json_shape_is_real(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(ROOT)
    (shown,) = blocks("json")
    expected = json.loads(shown)
    main(["check", "examples/connections/servicex.oauthcc.yaml", "--format", "json"])
    actual = json.loads(capsys.readouterr().out)
    (connection,) = actual["connections"]
    (shown_connection,) = expected["connections"]
    assert connection["steps"][:2] == shown_connection["steps"]
    assert {k: v for k, v in connection.items() if k != "steps"} == {
        k: v for k, v in shown_connection.items() if k != "steps"
    }
    assert actual["errors"] == expected["errors"]
