"""``access_token_alg`` through the surfaces other than Python: scenario files and
``oauthcc serve --access-token-alg``; one vocabulary and one message on each."""

from __future__ import annotations

import argparse
import contextlib
import io
from pathlib import Path

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import KeySet

from mock_provider import ManualClock, MockProvider
from mock_provider.cli import command as cli
from mock_provider.scenario import ScenarioError, load_scenario

MESSAGE = (
    "access_token_alg must be one of RS256, RS384, RS512, PS256, PS384, PS512, ES256, "
    "ES384, ES512, EdDSA, got 'HS256'"
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="oauthcc serve", exit_on_error=False)
    cli.add_serve_arguments(parser)
    return parser


def _issued_alg(provider: MockProvider) -> str:
    provider.add_client("alg-client", "alg-secret")
    with httpx.Client(transport=provider.transport()) as http:
        token = http.post(
            provider.token_url,
            data={"grant_type": "client_credentials"},
            auth=("alg-client", "alg-secret"),
        ).json()["access_token"]
        keys = KeySet.import_key_set(http.get(provider.jwks_url).json())
    return str(jwt.decode(token, keys, algorithms=[provider.access_token_alg]).header["alg"])


def test_a_scenario_sets_the_algorithm(tmp_path: Path) -> None:
    path = tmp_path / "es.yaml"
    path.write_text("provider:\n  token_format: jwt\n  access_token_alg: ES384\n")
    provider = load_scenario(path).build(clock=ManualClock(1_700_000_000))
    assert provider.access_token_alg == "ES384"
    assert _issued_alg(provider) == "ES384"


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        pytest.param("HS256", MESSAGE, id="unknown"),
        pytest.param(256, "expected string but got int 256", id="type"),
    ],
)
def test_a_scenario_with_a_bad_algorithm_names_file_line_and_key(
    tmp_path: Path, value: object, problem: str
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(f"provider:\n  token_format: jwt\n  access_token_alg: {value}\n")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert caught.value.problems == [f"{path}:3: key 'provider.access_token_alg': {problem}"]


def test_serve_sets_the_algorithm_and_wins_over_the_scenario(tmp_path: Path) -> None:
    provider = cli.build_provider(_parser().parse_args(["--access-token-alg", "EdDSA"]))
    assert (provider.access_token_alg, provider.token_format) == ("EdDSA", "opaque")
    path = tmp_path / "ps.yaml"
    path.write_text("provider:\n  token_format: jwt\n  access_token_alg: PS256\n")
    scenario = load_scenario(path)
    assert cli.build_provider(_parser().parse_args([]), scenario).access_token_alg == "PS256"
    args = _parser().parse_args(["--access-token-alg", "ES256"])
    provider = cli.build_provider(args, scenario)
    assert provider.access_token_alg == "ES256"
    assert _issued_alg(provider) == "ES256"
    assert cli.build_provider(_parser().parse_args([])).access_token_alg == "RS256"


def test_serve_refuses_a_bad_algorithm_with_the_providers_message() -> None:
    with pytest.raises(argparse.ArgumentError) as caught:
        _parser().parse_args(["--access-token-alg", "HS256"])
    assert str(caught.value) == f"argument --access-token-alg: {MESSAGE}"
    err = io.StringIO()
    parser = argparse.ArgumentParser(prog="oauthcc serve")
    cli.add_serve_arguments(parser)
    with contextlib.redirect_stderr(err), pytest.raises(SystemExit):
        parser.parse_args(["--access-token-alg", "HS256"])
    assert err.getvalue().splitlines()[-1] == (
        f"oauthcc serve: error: argument --access-token-alg: {MESSAGE}"
    )
