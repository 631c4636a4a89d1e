"""``oauthcc check``: table, JSON, exit codes, progress, and no secret in any output."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest

from pytest_oauthcc.cli import main
from pytest_oauthcc.connection.results import STEPS

HERE = Path(__file__).parent
EXAMPLES = HERE.parents[1] / "examples" / "connections"
BROKEN = HERE / "broken"
INVALID = HERE / "invalid"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["check", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_examples_pass_with_exit_0(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, str(EXAMPLES))
    assert code == 0
    assert out.splitlines()[-1].startswith("9 connection(s): 9 passed, 0 failed, 0 invalid")
    assert "\033[" not in out  # not a terminal: no colour
    assert "PASS ServiceX  (" in out


def test_json_format(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, str(EXAMPLES / "servicex.oauthcc.yaml"), "--format", "json")
    assert code == 0
    report = json.loads(out)
    (connection,) = report["connections"]
    assert connection["name"] == "ServiceX"
    assert connection["path"].endswith("servicex.oauthcc.yaml")
    assert [s["step"] for s in connection["steps"]] == list(STEPS)
    assert {s["status"] for s in connection["steps"]} <= {"pass", "skip"}
    assert all(set(s) >= {"step", "status", "reason"} for s in connection["steps"])
    assert report["errors"] == []


def test_a_failing_step_exits_1_and_shows_the_transcript(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, str(BROKEN / "test--missing-member.oauthcc.yaml"))
    assert code == 1
    assert "FAIL Broken  (" in out
    assert "  test              fail  the answer has no 'account.id' (expect.body_has)" in out
    assert "      GET https://api.example.com/v1/me authorization: Bearer fp:" in out


def test_static_failures_name_their_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, str(BROKEN / "token--plain-http.oauthcc.yaml"))
    assert code == 1
    assert (
        "  token             fail  token.url: http://auth.example.com/oauth/token must use "
        "HTTPS (RFC 6749 §3.2) [line 7]"
    ) in out


def test_invalid_configs_exit_2_and_list_every_problem(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, str(INVALID / "three-problems.oauthcc.yaml"), str(EXAMPLES))
    assert code == 2
    assert f"INVALID {INVALID / 'three-problems.oauthcc.yaml'}\n" in out
    assert "  line 6, column 1: tokn: unknown key; did you mean 'token'?\n" in out
    assert "  line 1, column 1: token: is required but missing\n" in out
    assert "10 connection(s): 9 passed, 0 failed, 1 invalid" in out


def test_invalid_configs_in_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, str(INVALID / "bad-types.oauthcc.json"), "--format", "json")
    assert code == 2
    (error,) = json.loads(out)["errors"]
    assert error["problems"][0] == {
        "line": 2,
        "column": 3,
        "key": "version",
        "message": "must be 1, got 2",
    }


def test_no_connection_files_is_an_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(capsys, str(tmp_path))
    assert code == 2
    assert "no connection files" in err


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_colour_and_progress_on_a_terminal(tmp_path: Path) -> None:
    from pytest_oauthcc.connection import cli

    shutil.copy(EXAMPLES / "paypal.oauthcc.yaml", tmp_path)
    shutil.copy(BROKEN / "label--too-long.oauthcc.yaml", tmp_path)
    args = cli_args(tmp_path)
    out, err = _Terminal(), _Terminal()
    assert cli.check(args, stdout=out, stderr=err) == 1
    assert "\033[32mPASS\033[0m PayPal" in out.getvalue()
    assert "\033[31mfail\033[0m" in out.getvalue()
    assert "\rchecking 1/2: " in err.getvalue().replace("\033[K", "")
    assert err.getvalue().endswith("\r\033[K")


def cli_args(*paths: Path) -> object:
    from pytest_oauthcc.cli import build_parser

    return build_parser().parse_args(["check", *map(str, paths)])


def test_secrets_never_reach_the_output(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from mock_provider import MockProvider

    provider = MockProvider()
    provider.add_client("app-1", "top-secret-value", scopes=["read"])
    with provider.serve() as server:
        path = tmp_path / "loopback.oauthcc.yaml"
        path.write_text(
            (HERE / "test_checker.py")
            .read_text()
            .split('_LOOPBACK = """\\\n')[1]
            .split('"""')[0]
            .format(url=server.url)
        )
        monkeypatch.setenv("OAUTHCC_LOOPBACK_CLIENT_ID", "app-1")
        monkeypatch.setenv("OAUTHCC_LOOPBACK_CLIENT_SECRET", "top-secret-value")
        code, out, err = run(capsys, str(path), "--live")
        code_json, out_json, _ = run(capsys, str(path), "--live", "--format", "json")
        monkeypatch.setenv("OAUTHCC_LOOPBACK_CLIENT_SECRET", "top-secret-wrong")
        code_bad, out_bad, err_bad = run(capsys, str(path), "--live")
    assert (code, code_json, code_bad) == (0, 0, 1)
    for text in (out, err, out_json, out_bad, err_bad):
        assert "top-secret" not in text
    assert "invalid_client" in out_bad


EVERY_PROBLEM = BROKEN / "fields--every-problem-shown.oauthcc.yaml"
API_KEY = (
    "fields[2].secret: field 'api_key' (API Key) looks like a credential; mark it secret: "
    "true so it is masked and never logged"
)
PASSWORD = (
    "fields[3].secret: field 'password' (Account password) looks like a credential; mark it "
    "secret: true so it is masked and never logged"
)


def test_the_table_shows_every_problem_of_a_step(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, str(EVERY_PROBLEM))
    assert code == 1
    assert f"  fields            fail  {API_KEY} [line 7]\n" in out
    assert f"                          {PASSWORD} [line 8]\n" in out
    assert "more)" not in out


def test_the_json_shows_every_problem_of_a_step(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, str(EVERY_PROBLEM), "--format", "json")
    assert code == 1
    fields = json.loads(out)["connections"][0]["steps"][0]
    assert (fields["reason"], fields["line"]) == (API_KEY, 7)
    assert fields["more"] == [{"reason": PASSWORD, "line": 8}]
