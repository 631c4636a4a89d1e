"""The JSON Schema: a valid 2020-12 schema, agreed on by our validator and jsonschema."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pytest_oauthcc.cli import main
from pytest_oauthcc.connection.config.loading import load_document
from pytest_oauthcc.connection.config.schema import SCHEMA, validate

EXAMPLES = sorted((Path(__file__).parents[2] / "examples" / "connections").glob("*.oauthcc.*"))
VALID: dict[str, Any] = load_document(
    next(p for p in EXAMPLES if p.name == "servicex.oauthcc.yaml")
).data


def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_example_validates_with_both_validators(path: Path) -> None:
    data = load_document(path).data
    jsonschema.validate(data, SCHEMA)
    assert validate(data) == []


def _broken(change: dict[str, Any]) -> dict[str, Any]:
    data = json.loads(json.dumps(VALID))
    for dotted, value in change.items():
        *parents, last = dotted.split(".")
        target = data
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        if value is _DELETE:
            del target[last]
        else:
            target[last] = value
    return data


_DELETE = object()
BROKEN = [
    pytest.param({"version": 2}, id="version"),
    pytest.param({"token.client_auth": "jwt"}, id="client_auth-enum"),
    pytest.param({"token.scopes": ["a b"]}, id="scope-with-space"),
    pytest.param({"token.renew_before": True}, id="bool-is-not-integer"),
    pytest.param({"fields.0.key": "Client ID"}, id="field-key-pattern"),
    pytest.param({"fields.0.label": ""}, id="empty-label"),
    pytest.param({"label": _DELETE}, id="missing-label"),
    pytest.param({"extra": 1}, id="unknown-key"),
    pytest.param({"allowed_domains": []}, id="empty-allowed-domains"),
    pytest.param({"test.expect.status": [99]}, id="status-range"),
    pytest.param({"environments.sandbox": {"base_url": 1}}, id="environment-value-type"),
    pytest.param({"request_defaults.query": {"v": 2}}, id="default-query-type"),
]


@pytest.mark.parametrize("change", BROKEN)
def test_our_validator_refuses_what_jsonschema_refuses(change: dict[str, Any]) -> None:
    data = _broken(change)
    theirs = {
        tuple(e.absolute_path) for e in jsonschema.Draft202012Validator(SCHEMA).iter_errors(data)
    }
    ours = {key for key, _ in validate(data)}
    assert theirs, "jsonschema accepted the broken document"
    # jsonschema reports a missing or unknown key at its parent; we report it at the key.
    at_parent = ("is required but missing", "unknown key")
    assert {k[:-1] if m.startswith(at_parent) else k for k, m in validate(data)} == theirs
    assert ours


def test_oauthcc_schema_prints_the_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out) == SCHEMA


def test_oauthcc_schema_writes_a_file(tmp_path: Path) -> None:
    target = tmp_path / "connection.schema.json"
    assert main(["schema", "--output", str(target)]) == 0
    assert json.loads(target.read_text()) == SCHEMA


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 700) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            out += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            out += _paths(item, (*prefix, index))
    return out


@given(data=st.data())
@settings(max_examples=300, deadline=None)
def test_our_validator_agrees_with_jsonschema_on_mutated_examples(data: st.DataObject) -> None:
    example = data.draw(st.sampled_from(EXAMPLES), label="example")
    document = load_document(example).data
    path = data.draw(st.sampled_from(_paths(document)[1:]), label="path")
    replacement = data.draw(_JSON, label="replacement")
    target = document
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = replacement
    theirs = list(jsonschema.Draft202012Validator(SCHEMA).iter_errors(document))
    assert bool(validate(document)) == bool(theirs)
