"""Connection files: any document loads or fails with a located ConfigError; generated
configs pass every step, and each broken one fails the step it is paired with."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from hypothesis import example, given
from hypothesis import strategies as st

from pytest_oauthcc.connection.checker import Connection
from pytest_oauthcc.connection.config.model import ConnectionConfig, load_config
from pytest_oauthcc.connection.errors import ConfigError
from pytest_oauthcc.strategies import (
    BrokenConfig,
    ConfigFile,
    broken_connection_configs,
    connection_configs,
)

FORMATS = ("yaml", "json", "toml")

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
)
toml_scalars = st.one_of(st.booleans(), st.integers(-(2**63), 2**63 - 1), st.text(max_size=12))
keys = st.sampled_from(("version", "name", "fields", "token", "test", "label", "url")) | st.text(
    max_size=8
)


def documents(leaves: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.recursive(
        leaves,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(keys, inner, max_size=4),
        max_leaves=12,
    )


def mutate_data(config: ConfigFile, path: list[str | int], value: Any) -> ConfigFile:
    """The config with the value at (a prefix of) ``path`` replaced by ``value``."""

    def change(data: dict[str, Any]) -> None:
        node: Any = data
        for step in path[:-1]:
            child = node[step % len(node)] if isinstance(node, list) and node else None
            if (
                isinstance(node, dict)
                and isinstance(step, str)
                and isinstance(node.get(step), (dict, list))
            ):
                child = node[step]
            if child is None or not isinstance(child, (dict, list)):
                break
            node = child
        last = path[-1] if path else "name"
        if isinstance(node, dict):
            node[str(last)] = value
        elif node:
            node[int(last) % len(node) if isinstance(last, int) else 0] = value

    return config.changed(change)


@st.composite
def texts(draw: st.DrawFn) -> tuple[str, str]:
    """``(suffix, text)``: garbage, random data in each format, or a damaged valid config."""
    fmt = draw(st.sampled_from(FORMATS))
    kind = draw(st.sampled_from(("garbage", "data", "damaged", "retyped")))
    if kind == "garbage":
        return fmt, draw(st.text(max_size=200))
    if kind == "data":
        from pytest_oauthcc.strategies._config_files import render

        if fmt == "toml":
            data = draw(st.dictionaries(keys, documents(toml_scalars), max_size=5))
        else:
            data = draw(documents(scalars))
        try:
            return fmt, render(data, fmt) if isinstance(data, dict) else render({"x": data}, fmt)
        except (TypeError, ValueError):  # not representable in this format
            return fmt, draw(st.text(max_size=50))
    config = draw(connection_configs(formats=[fmt]))
    if kind == "retyped":
        path = draw(st.lists(keys | st.integers(0, 3), min_size=1, max_size=4))
        value = draw(documents(toml_scalars if fmt == "toml" else scalars))
        try:
            return fmt, mutate_data(config, path, value).text
        except (TypeError, ValueError):
            return fmt, config.text
    text = config.text
    start = draw(st.integers(0, len(text)))
    end = draw(st.integers(start, min(len(text), start + 20)))
    return fmt, text[:start] + draw(st.text(max_size=10)) + text[end:]


def load(suffix: str, text: str) -> tuple[Path, ConnectionConfig | ConfigError]:
    directory = Path(tempfile.mkdtemp())
    path = directory / f"fuzz.oauthcc.{suffix}"
    path.write_text(text, encoding="utf-8", newline="")
    try:
        return path, load_config(path)
    except ConfigError as exc:
        return path, exc


@given(texts())
@example(("json", "[" * 5000))  # regression: deep nesting
@example(("yaml", "1: x\nnull: y\n"))  # regression: keys that are not strings
@example(("yaml", "fields: null\n"))  # regression: duplicate-key check iterated None
def test_any_document_loads_or_fails_with_a_located_config_error(document: tuple[str, str]) -> None:
    suffix, text = document
    path, outcome = load(suffix, text)
    if isinstance(outcome, ConfigError):
        assert outcome.problems
        last_line = text.count("\n") + 1
        for problem in outcome.problems:
            assert problem.path == str(path)
            assert 1 <= problem.line <= max(last_line, 1), (problem, last_line)
            assert problem.message
        assert str(outcome).startswith(f"{path}: invalid connection config")


REGRESSION_RENEW_AT_EXPIRY = ConfigFile(
    {
        "version": 1,
        "name": "0",
        "fields": [
            {"key": "client_id", "label": "Client ID", "required": True},
            {"key": "client_secret", "label": "Client secret", "required": True, "secret": True},
        ],
        "token": {
            "url": "https://auth.a0.com/oauth/token",
            "client_auth": "basic",
            "renew_before": 0,
            "token_format": "opaque",
            "response": {"default_expires_in": 2},
        },
        "test": {"url": "https://api.a0.com/v1/me", "method": "GET", "expect": {"status": [200]}},
        "label": "{{ test.name }}",
        "allowed_domains": ["auth.a0.com", "api.a0.com"],
        "unique_id": "{{ test.id }}",
        "mock": {"test_response": {"id": "a0", "name": "0"}},
    },
    "yaml",
)


@given(connection_configs())
# Regression: renew_before 0 (or 1) failed the token step with "renewed only after expiry".
@example(REGRESSION_RENEW_AT_EXPIRY)
def test_generated_configs_pass_every_step_against_the_mock(config_file: ConfigFile) -> None:
    with tempfile.TemporaryDirectory() as directory:
        result = Connection.load(config_file.write(directory)).check()
    failed = [(s.step, s.reason) for s in result.steps if s.status == "fail"]
    assert failed == []


@given(broken_connection_configs())
def test_broken_configs_fail_the_step_they_are_paired_with(broken: BrokenConfig) -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = broken.write(directory)
        try:
            connection = Connection.load(path)
        except ConfigError:
            assert broken.stage == "load"
            return
        assert broken.stage == "check"
        result = connection.check()
    assert result[broken.step].status == "fail", result[broken.step]
