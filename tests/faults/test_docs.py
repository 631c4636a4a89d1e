"""Every Python example of docs/failures.md runs, each in a fresh namespace."""

from __future__ import annotations

import pytest

from tests.docs_blocks import ROOT, code_blocks, run_example

PAGE = "failures.md"
BLOCKS = code_blocks(PAGE)


def test_the_page_has_examples() -> None:
    assert len(BLOCKS) >= 8


@pytest.mark.parametrize("source", BLOCKS, ids=[f"example-{i}" for i in range(len(BLOCKS))])
def test_docs_example_runs(source: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # examples name scenarios/ relative to the repository
    run_example(source, PAGE)
