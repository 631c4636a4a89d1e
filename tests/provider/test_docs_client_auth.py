"""Every Python example of docs/client-auth.md runs, each in a fresh namespace."""

from __future__ import annotations

import pytest

from tests.docs_blocks import code_blocks, run_example

PAGE = "client-auth.md"
BLOCKS = code_blocks(PAGE)


def test_the_page_has_its_examples() -> None:
    assert len(BLOCKS) >= 3


@pytest.mark.parametrize("source", BLOCKS, ids=[f"example-{i}" for i in range(len(BLOCKS))])
def test_docs_example_runs(source: str) -> None:
    run_example(source, PAGE)
