"""A provider that echoes the secret (or the token) never makes the checker print it: not in
``CheckResult.to_json()`` or its repr, not in ``oauthcc check``'s table or JSON."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from mock_provider import MockProvider
from mock_provider.protocol import fingerprint
from pytest_oauthcc import Connection
from pytest_oauthcc.cli import main
from pytest_oauthcc.connection.results import CheckResult
from tests.echoing import CLIENT_ID, ECHOES, ENVIRON, SECRET, echoing_provider, leaks, write_config


def assert_echo_reached(echo: str, result: CheckResult) -> None:
    """The echo did reach a surface (as a fingerprint): the test can fail."""
    shown = fingerprint(SECRET)
    if echo == "error_description":
        (line,) = result["token"].transcript
        assert f"-> 401 invalid_client: client secret {shown} " in line
        assert f"client secret {shown} " in result["token"].reason
    elif echo == "header":
        (line,) = result["token"].transcript
        assert f'-> 401 www-authenticate: Basic realm="{shown} ' in line
    else:
        assert result["label"].reason.startswith(f"renders 'Echo {CLIENT_ID} {shown} ")


@pytest.mark.parametrize("echo", ECHOES)
def test_to_json_and_repr_never_carry_an_echoed_secret(tmp_path: Path, echo: str) -> None:
    provider = echoing_provider(echo)
    with provider.serve() as server:
        path = write_config(tmp_path, server.url)
        result = Connection.load(path).check(live=True, environ=ENVIRON)
    assert_echo_reached(echo, result)
    assert leaks(json.dumps(result.to_json()) + repr(result)) == []


@pytest.mark.parametrize("echo", ECHOES)
@pytest.mark.parametrize("output", ["table", "json"])
def test_oauthcc_check_never_prints_an_echoed_secret(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], echo: str, output: str
) -> None:
    provider = echoing_provider(echo)
    with provider.serve() as server:
        path = write_config(tmp_path, server.url)
        code = main(
            [
                "check",
                str(path),
                "--live",
                "--env-file",
                str(tmp_path / "ci.env"),
                "--format",
                output,
            ]
        )
    out, err = capsys.readouterr()
    assert code == (0 if echo == "body" else 1)
    assert fingerprint(SECRET) in out
    assert leaks(out + err) == []


def test_a_token_echoed_in_a_200_body_is_shown_as_its_fingerprint(tmp_path: Path) -> None:
    provider = MockProvider("https://auth.example.com")
    provider.add_client(CLIENT_ID, SECRET)
    inner = provider.transport()
    sent: list[str] = []

    def echo_token(request: httpx.Request) -> httpx.Response:
        response = inner.handle_request(request)
        bearer = request.headers.get("authorization", "").removeprefix("Bearer ")
        if request.url.path == "/api/me" and response.status_code == 200:
            sent.append(bearer)
            return httpx.Response(200, json={"client_id": f"{CLIENT_ID} as {bearer}"})
        return response

    path = write_config(tmp_path, "https://auth.example.com")
    path.write_text(path.read_text().replace("[127.0.0.1]", "[auth.example.com]"))
    result = Connection.load(path).check(
        live=True, environ=ENVIRON, transport=httpx.MockTransport(echo_token)
    )
    assert sent
    text = json.dumps(result.to_json()) + repr(result)
    assert [token for token in sent if token in text] == []
    assert result["label"].reason == f"renders 'Echo {CLIENT_ID} as {fingerprint(sent[0])}'"


def test_a_long_error_echoing_the_secret_at_the_cut_leaves_no_piece_of_it(tmp_path: Path) -> None:
    provider = MockProvider()
    provider.add_client(CLIENT_ID, SECRET)
    # The transcript keeps 300 characters of an error: put the secret across that cut.
    padding = "x" * (300 - len("invalid_client: ") - len(SECRET) // 2)
    provider.add_fault(
        "token", times=None, error="invalid_client", error_description=padding + SECRET
    )
    with provider.serve() as server:
        path = write_config(tmp_path, server.url)
        result = Connection.load(path).check(live=True, environ=ENVIRON)
    (line,) = result["token"].transcript
    assert line.endswith(padding + fingerprint(SECRET)[: 300 - len(padding) - 16])
    assert SECRET[: len(SECRET) // 2] not in line


def test_an_unexpected_error_inside_a_step_is_scrubbed_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pytest_oauthcc.connection.steps import run

    def broken_label(*args: object) -> object:
        raise RuntimeError(f"bug while reading {SECRET}")

    monkeypatch.setattr(run, "check_label", broken_label)
    provider = echoing_provider("body")
    with provider.serve() as server:
        path = write_config(tmp_path, server.url)
        with pytest.raises(RuntimeError) as raised:
            Connection.load(path).check(live=True, environ=ENVIRON)
    assert str(raised.value) == f"bug while reading {fingerprint(SECRET)}"
