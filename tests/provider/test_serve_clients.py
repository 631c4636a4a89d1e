"""``oauthcc serve --client``: the short form, the JSON form that carries any secret, and
secrets read from an environment variable or a file so they stay out of shell history."""

from __future__ import annotations

import argparse
import io
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from mock_provider.cli import command as cli
from mock_provider.cli.clients import ClientOption, parse_client
from mock_provider.server import ProviderServer

TOKEN = {"grant_type": "client_credentials"}
COLON_SECRET = "s3:cr:3t=="


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="oauthcc serve", exit_on_error=False)
    cli.add_serve_arguments(parser)
    return parser


@contextmanager
def running(*argv: str) -> Iterator[tuple[ProviderServer, str]]:
    """Run ``serve`` with ``argv`` in a thread; yield the server and its banner."""
    out, stop, ready = io.StringIO(), threading.Event(), threading.Event()
    servers: list[ProviderServer] = []

    def started(server: ProviderServer) -> None:
        servers.append(server)
        ready.set()

    args = _parser().parse_args(argv)
    thread = threading.Thread(
        target=cli.serve, args=(args,), kwargs={"out": out, "stop": stop, "started": started}
    )
    thread.start()
    try:
        assert ready.wait(10), out.getvalue()
        yield servers[0], out.getvalue()
    finally:
        stop.set()
        thread.join(10)
    assert not thread.is_alive()


def _status(server: ProviderServer, client_id: str, secret: str) -> int:
    with httpx.Client(base_url=server.url, timeout=5) as http:
        return http.post("/oauth/token", auth=(client_id, secret), data=TOKEN).status_code


def test_the_short_form_is_unchanged() -> None:
    assert parse_client("app:app-secret:read,write") == ClientOption(
        "app", "app-secret", ("read", "write")
    )
    assert parse_client("app:app-secret") == ClientOption("app", "app-secret", ())


def test_the_short_form_cannot_carry_a_colon_and_points_at_the_json_form() -> None:
    with pytest.raises(argparse.ArgumentTypeError) as caught:
        parse_client(f"app:{COLON_SECRET}:read")
    assert str(caught.value) == (
        "expected ID:SECRET or ID:SECRET:SCOPE,SCOPE... but got 5 part(s) (a secret "
        'containing \':\' needs the JSON form: {"client_id": ..., "client_secret": ...})'
    )
    assert COLON_SECRET not in str(caught.value)


def test_the_json_form_carries_any_secret() -> None:
    value = json.dumps({"client_id": "app", "client_secret": COLON_SECRET, "scopes": ["read"]})
    with running("--client", value) as (server, banner):
        assert _status(server, "app", COLON_SECRET) == 200
        assert f"  client app:{COLON_SECRET} scopes: read" in banner.splitlines()


def test_a_secret_from_an_environment_variable_is_used_and_never_printed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("APP_SECRET", COLON_SECRET)
    value = json.dumps({"client_id": "app", "client_secret_env": "APP_SECRET"})
    with running("--client", value) as (server, banner):
        assert _status(server, "app", COLON_SECRET) == 200
        assert "  client app (secret from $APP_SECRET) scopes: (none)" in banner.splitlines()
        assert COLON_SECRET not in banner


def test_a_secret_from_a_file_drops_the_final_line_break_and_is_never_printed(
    tmp_path: Path,
) -> None:
    secret_file = tmp_path / "app-secret"
    secret_file.write_text(COLON_SECRET + "\n", encoding="utf-8")
    value = json.dumps(
        {"client_id": "app", "client_secret_file": str(secret_file), "scopes": ["a", "b"]}
    )
    with running("--client", value) as (server, banner):
        assert _status(server, "app", COLON_SECRET) == 200
        assert _status(server, "app", COLON_SECRET + "\n") == 401
        assert f"  client app (secret from file {secret_file}) scopes: a b" in banner.splitlines()
        assert COLON_SECRET not in banner


def test_hide_secrets_keeps_inline_secrets_out_of_the_banner() -> None:
    with running("--client", "app:app-secret:read", "--hide-secrets") as (server, banner):
        assert _status(server, "app", "app-secret") == 200
        assert "  client app (secret hidden) scopes: read" in banner.splitlines()
        assert "app-secret" not in banner


def test_the_demo_client_is_printed_unless_hidden() -> None:
    with running() as (_, banner):
        assert "  client demo-client:demo-secret scopes: read write" in banner.splitlines()
    with running("--hide-secrets") as (_, banner):
        assert "  client demo-client (secret hidden) scopes: read write" in banner.splitlines()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        pytest.param(
            '{"client_id": "app"',
            "not valid JSON: Expecting ',' delimiter at column 20",
            id="bad-json",
        ),
        pytest.param(
            '{"client_id": "app", "secret": "x"}',
            "unknown key 'secret'; valid keys: client_id, client_secret, client_secret_env, "
            "client_secret_file, scopes",
            id="unknown-key",
        ),
        pytest.param(
            '{"client_secret": "x"}', "client_id must be a non-empty string", id="no-client-id"
        ),
        pytest.param(
            '{"client_id": "app"}',
            "give exactly one of client_secret, client_secret_env, client_secret_file (got 0)",
            id="no-secret",
        ),
        pytest.param(
            '{"client_id": "app", "client_secret": "x", "client_secret_env": "X"}',
            "give exactly one of client_secret, client_secret_env, client_secret_file (got 2)",
            id="two-secrets",
        ),
        pytest.param(
            '{"client_id": "app", "client_secret": "x", "scopes": "read write"}',
            "scopes must be a list of non-empty strings",
            id="scopes-not-a-list",
        ),
        pytest.param(
            '{"client_id": "app", "client_secret_env": "OAUTHCC_TEST_UNSET_VARIABLE"}',
            "environment variable OAUTHCC_TEST_UNSET_VARIABLE is not set or empty",
            id="unset-variable",
        ),
    ],
)
def test_a_bad_json_client_says_what_is_wrong(value: str, message: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError) as caught:
        parse_client(value)
    assert str(caught.value) == message


def test_an_unreadable_or_empty_secret_file_is_refused(tmp_path: Path) -> None:
    missing = tmp_path / "missing"
    with pytest.raises(argparse.ArgumentTypeError) as caught:
        parse_client(json.dumps({"client_id": "app", "client_secret_file": str(missing)}))
    assert (
        str(caught.value) == f"cannot read client_secret_file {missing}: No such file or directory"
    )
    empty = tmp_path / "empty"
    empty.write_text("\n", encoding="utf-8")
    with pytest.raises(argparse.ArgumentTypeError) as caught:
        parse_client(json.dumps({"client_id": "app", "client_secret_file": str(empty)}))
    assert str(caught.value) == f"client_secret_file {empty} is empty"


def test_a_refused_json_client_never_echoes_its_secret() -> None:
    value = '{"client_id": "app", "client_secret": "' + COLON_SECRET + '", "scope": ["x"]}'
    with pytest.raises(argparse.ArgumentError) as caught:
        _parser().parse_args(["--client", value])
    assert COLON_SECRET not in str(caught.value)
    assert "unknown key 'scope'" in str(caught.value)


def test_the_option_repr_hides_the_secret() -> None:
    option = parse_client(json.dumps({"client_id": "app", "client_secret": COLON_SECRET}))
    assert COLON_SECRET not in repr(option)
