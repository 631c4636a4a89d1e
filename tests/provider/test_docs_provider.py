"""Every Python example of docs/provider.md runs, each in a fresh namespace."""

from __future__ import annotations

import pytest

from tests.docs_blocks import code_blocks, run_example

PAGE = "provider.md"
BLOCKS = code_blocks(PAGE)


def test_the_page_has_an_example_per_section() -> None:
    assert len(BLOCKS) >= 9


@pytest.mark.parametrize("source", BLOCKS, ids=[f"example-{i}" for i in range(len(BLOCKS))])
def test_docs_example_runs(source: str) -> None:
    run_example(source, PAGE)
