"""Duplicate keys found with their positions, in JSON (a position-keeping scan) and YAML."""

from __future__ import annotations

import json

import pytest
import yaml

from pytest_oauthcc.connection.config.duplicates import (
    Duplicate,
    json_duplicates,
    position,
    yaml_duplicates,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param('{"a": 1, "b": 2}', [], id="none"),
        pytest.param('{"a": 1, "a": 2}', [Duplicate(("a",), (1, 2), (1, 10))], id="top"),
        pytest.param(
            '[{"x": "}", "x": "{"}]', [Duplicate((0, "x"), (1, 3), (1, 13))], id="braces-in-strings"
        ),
        pytest.param(
            '{"ab": 1, "a\\u0062": 2}', [Duplicate(("ab",), (1, 2), (1, 11))], id="escaped"
        ),
        pytest.param(
            '{"l": [1, {"k": [], "k": {}}]}',
            [Duplicate(("l", 1, "k"), (1, 12), (1, 21))],
            id="nested",
        ),
        pytest.param('{"a": {"a": 1}, "b": {"a": 2}}', [], id="same-key-other-objects"),
        pytest.param(" \n{ }", [], id="empty"),
    ],
)
def test_json_duplicates(text: str, expected: list[Duplicate]) -> None:
    json.loads(text)  # only valid JSON is scanned
    assert json_duplicates(text) == expected


def test_yaml_duplicates_and_merge_keys() -> None:
    text = "base: &b {x: 1}\nitem:\n  <<: *b\n  <<: *b\n  y: 2\n  y: 3\n"
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    assert yaml_duplicates(node) == [Duplicate(("item", "y"), (5, 3), (6, 3))]


def test_position_is_one_based() -> None:
    assert position("ab\ncd", 0) == (1, 1)
    assert position("ab\ncd", 4) == (2, 2)
