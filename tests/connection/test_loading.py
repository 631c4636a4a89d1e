"""Reading connection files: formats, line numbers, every problem at once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pytest_oauthcc.connection.config.loading import find_connection_files, load_document
from pytest_oauthcc.connection.config.model import load_config
from pytest_oauthcc.connection.errors import ConfigError

HERE = Path(__file__).parent
INVALID = HERE / "invalid"
EXAMPLES = HERE.parent.parent / "examples" / "connections"


def problems(path: Path) -> list[str]:
    with pytest.raises(ConfigError) as info:
        load_config(path)
    return [f"{p.line}:{p.key}:{p.message}" for p in info.value.problems]


def test_every_problem_in_a_file_is_listed_at_once_with_line_and_key() -> None:
    assert problems(INVALID / "three-problems.oauthcc.yaml") == [
        "1:token:is required but missing",
        "5:fields[1].label:must not be empty",
        "6:tokn:unknown key; did you mean 'token'?",
        "9:test.url:unknown placeholder name 'secrets' in '{{ secrets.value }}'; "
        "use one of: fields, env, test, token",
    ]


def test_config_error_message_names_file_line_and_key() -> None:
    with pytest.raises(ConfigError) as info:
        load_config(INVALID / "three-problems.oauthcc.yaml")
    text = str(info.value)
    assert text.splitlines()[0] == (
        f"{INVALID / 'three-problems.oauthcc.yaml'}: invalid connection config (4 problems):"
    )
    assert f"  {INVALID / 'three-problems.oauthcc.yaml'}:6:1: tokn: unknown key;" in text


def test_json_problems_carry_lines() -> None:
    assert problems(INVALID / "bad-types.oauthcc.json") == [
        "2:version:must be 1, got 2",
        '5:token.client_auth:must be one of "basic", "body", "client_secret_basic", '
        '"client_secret_post", "client_secret_jwt", "private_key_jwt"; got "jwt"',
        "5:token.renew_before:must be >= 0, got -1",
        "8:allowed_domains:needs at least 1 item(s)",
    ]


def test_invalid_toml_names_its_line() -> None:
    (problem,) = problems(INVALID / "not-toml.oauthcc.toml")
    assert problem.startswith("3::not valid TOML")


def test_invalid_yaml_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "x.oauthcc.yaml"
    path.write_text("version: 1\nname: [unclosed\nfields: []\n")
    (problem,) = problems(path)
    assert problem.startswith("3::not valid YAML")


def test_unreadable_file_is_a_config_error(tmp_path: Path) -> None:
    (problem,) = problems(tmp_path / "missing.oauthcc.yaml")
    assert problem.startswith("1::cannot read the file")


def test_toml_lines_follow_tables_and_arrays_of_tables() -> None:
    doc = load_document(EXAMPLES / "okta-orders-api.oauthcc.toml")
    assert doc.line(("fields", 1, "key")) == 17
    assert doc.line(("token", "url")) == 30
    assert doc.line(("test", "expect", "status")) == 41  # inline table: its parent's line
    assert doc.line(("mock", "test_response", "account", "id")) == 47


def test_json_and_yaml_lines(tmp_path: Path) -> None:
    doc = load_document(EXAMPLES / "microsoft-graph.oauthcc.json")
    assert doc.line(("token", "scopes")) == 13
    data = json.loads((EXAMPLES / "microsoft-graph.oauthcc.json").read_text())
    assert doc.data == data
    yaml_doc = load_document(EXAMPLES / "servicex.oauthcc.yaml")
    assert yaml_doc.line(("fields", 2, "options")) == 8


def test_directories_expand_to_connection_files_only(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    for name in ("a.oauthcc.yaml", "sub/b.oauthcc.toml", "c.yaml", "d.oauthcc.JSON"):
        (tmp_path / name).write_text("")
    found = [p.relative_to(tmp_path).as_posix() for p in find_connection_files([tmp_path])]
    assert found == ["a.oauthcc.yaml", "d.oauthcc.JSON", "sub/b.oauthcc.toml"]


def _problems(name: str) -> list[str]:
    with pytest.raises(ConfigError) as info:
        load_config(INVALID / name)
    return [str(p).removeprefix(str(INVALID / name)) for p in info.value.problems]


def test_duplicate_yaml_keys_are_refused_naming_both_lines() -> None:
    assert _problems("duplicate-keys.oauthcc.yaml") == [
        ":9:3: token.client_auth: duplicate key 'client_auth', first written at line 8, "
        "column 3; YAML and JSON parsers silently keep only the last: remove one",
        ":14:1: label: duplicate key 'label', first written at line 11, column 1; YAML and "
        "JSON parsers silently keep only the last: remove one",
    ]


def test_duplicate_json_keys_are_refused_naming_both_lines() -> None:
    assert _problems("duplicate-keys.oauthcc.json") == [
        ":5:66: fields[0].label: duplicate key 'label', first written at line 5, column 26; "
        "YAML and JSON parsers silently keep only the last: remove one",
        ":12:3: name: duplicate key 'name', first written at line 3, column 3; YAML and JSON "
        "parsers silently keep only the last: remove one",
    ]


def test_duplicate_toml_keys_are_refused_by_the_parser_with_line_and_column() -> None:
    (problem,) = _problems("duplicate-keys.oauthcc.toml")
    assert problem.startswith(":3:")
    assert "not valid TOML" in problem


def test_an_empty_file_says_it_is_empty() -> None:
    assert _problems("empty.oauthcc.yaml") == [
        ":1:1: the file is empty; a connection config starts with 'version: 1'"
    ]


def test_a_quote_left_open_is_reported_where_it_opens() -> None:
    assert _problems("unclosed-quote.oauthcc.yaml") == [
        ":2:7: not valid YAML: found unexpected end of stream (the quoted scalar that starts "
        "here is never closed)"
    ]


def test_json_syntax_errors_name_line_and_column() -> None:
    assert _problems("missing-colon.oauthcc.json") == [
        ":3:10: not valid JSON: Expecting ':' delimiter"
    ]


def test_every_schema_problem_names_line_and_column() -> None:
    problems = _problems("three-problems.oauthcc.yaml")
    assert problems[2] == ":6:1: tokn: unknown key; did you mean 'token'?"
    assert all(p.split(":")[1].isdigit() and p.split(":")[2].isdigit() for p in problems)
