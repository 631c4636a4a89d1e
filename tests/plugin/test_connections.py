"""Connection files collected as tests, one item per step; the matrix, the JSON report, options."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).parents[2] / "examples" / "connections"
SERVICEX = (EXAMPLES / "servicex.oauthcc.yaml").read_text(encoding="utf-8")
BROKEN = """\
version: 1
name: Broken
token:
  client_auth: sideways
"""
MATRIX_HEADER = (
    "connection  fields  token  refresh  revoke  test  label  allowed_domains  unique_id  "
    "request_defaults"
)


def servicex(**replace: str) -> str:
    text = SERVICEX
    for old, new in replace.items():
        assert old in text
        text = text.replace(old, new)
    return text


def test_each_step_of_a_connection_file_is_a_test_item(pytester: pytest.Pytester):
    pytester.makefile(".oauthcc.yaml", servicex=SERVICEX)
    result = pytester.runpytest("-v")
    result.assert_outcomes(passed=8, skipped=1)
    result.stdout.fnmatch_lines(
        [
            "servicex.oauthcc.yaml::fields PASSED*",
            "servicex.oauthcc.yaml::token PASSED*",
            "servicex.oauthcc.yaml::refresh SKIPPED (not configured*",
            "servicex.oauthcc.yaml::revoke PASSED*",
            "servicex.oauthcc.yaml::test PASSED*",
            "servicex.oauthcc.yaml::label PASSED*",
            "servicex.oauthcc.yaml::allowed_domains PASSED*",
            "servicex.oauthcc.yaml::unique_id PASSED*",
            "servicex.oauthcc.yaml::request_defaults PASSED*",
            "*- oauthcc connections -*",
            MATRIX_HEADER,
            "ServiceX    pass    pass   skip     pass    pass  pass   pass             pass"
            "       pass",
        ]
    )


def test_a_failing_step_shows_its_reason_and_redacted_transcript(pytester: pytest.Pytester):
    pytester.makefile(
        ".oauthcc.yaml", servicex=servicex(**{"body_has: [app.id]": "body_has: [app.owner]"})
    )
    result = pytester.runpytest("-p", "no:logging")
    result.assert_outcomes(failed=1, passed=5, skipped=3)
    result.stdout.fnmatch_lines(
        [
            "*_ ServiceX::test _*",
            "ServiceX test: the answer has no 'app.owner' (expect.body_has)",
            "",
            "HTTP transcript (redacted):",
            "  GET https://api.servicex.com/v2/me authorization: Bearer fp:* -> 200",
            "*- oauthcc connections -*",
            MATRIX_HEADER,
            "ServiceX    pass    pass   skip     pass    fail  skip   pass             skip"
            "       pass",
            "*short test summary info*",
            "FAILED servicex.oauthcc.yaml::test - ServiceX test: the answer has no 'app.ow*",
        ]
    )
    result.stdout.no_fnmatch_line("*Traceback*")
    result.stdout.no_fnmatch_line("*pytest_oauthcc*")


def test_a_failing_step_about_a_config_line_shows_that_line(pytester: pytest.Pytester):
    pytester.makefile(
        ".oauthcc.yaml",
        servicex=servicex(**{'label: "ServiceX': 'label: "{{ token.access_token }} ServiceX'}),
    )
    result = pytester.runpytest()
    result.stdout.fnmatch_lines(
        [
            "*_ ServiceX::label _*",
            "ServiceX label: *",
            "",
            "servicex.oauthcc.yaml:25",
            "    24 |   expect: {status: [[]200[]], body_has: [[]app.id[]]}",
            '>   25 | label: "{{ token.access_token }} ServiceX {{ fields.environment }}*',
            "    26 | allowed_domains: *",
        ]
    )


def test_an_invalid_file_is_one_failing_item_and_never_stops_the_run(pytester: pytest.Pytester):
    pytester.makefile(".oauthcc.yaml", servicex=SERVICEX, broken=BROKEN)
    result = pytester.runpytest("-v")
    result.assert_outcomes(failed=1, passed=8, skipped=1)
    result.stdout.fnmatch_lines(
        [
            "broken.oauthcc.yaml::config FAILED*",
            "*_ invalid config: broken.oauthcc.yaml _*",
            "*broken.oauthcc.yaml: invalid connection config (7 problems):",
            '  *broken.oauthcc.yaml:4:3: token.client_auth: must be one of "basic", "body", '
            '"client_secret_basic", "client_secret_post", "client_secret_jwt", '
            '"private_key_jwt"; got "sideways"',
            "*- oauthcc connections -*",
            "connection           fields  token  *",
            "ServiceX             pass    pass   *",
            "broken.oauthcc.yaml  invalid connection config",
        ]
    )
    result.stdout.no_fnmatch_line("*Traceback*")


def test_the_json_report_lists_every_connection_and_step(pytester: pytest.Pytester):
    pytester.makefile(".oauthcc.yaml", servicex=SERVICEX, broken=BROKEN)
    report = pytester.path / "out" / "report.json"
    report.parent.mkdir()
    pytester.runpytest(f"--oauthcc-report={report}").assert_outcomes(failed=1, passed=8, skipped=1)
    data = json.loads(report.read_text(encoding="utf-8"))
    assert [c["path"] for c in data["connections"]] == ["servicex.oauthcc.yaml"]
    servicex_report = data["connections"][0]
    assert servicex_report["name"] == "ServiceX"
    assert servicex_report["passed"] is True
    assert [s["step"] for s in servicex_report["steps"]] == [
        "fields", "token", "refresh", "revoke", "test", "label", "allowed_domains",
        "unique_id", "request_defaults",
    ]  # fmt: skip
    assert {s["status"] for s in servicex_report["steps"]} == {"pass", "skip"}
    assert [i["path"] for i in data["invalid"]] == ["broken.oauthcc.yaml"]
    assert "token.client_auth" in data["invalid"][0]["error"]


def test_the_report_and_matrix_are_complete_under_xdist(pytester: pytest.Pytester):
    for name in ("servicex", "paypal", "salesforce"):
        source = EXAMPLES / f"{name}.oauthcc.yaml"
        pytester.makefile(".oauthcc.yaml", **{name: source.read_text(encoding="utf-8")})
    report = pytester.path / "report.json"
    result = pytester.runpytest_subprocess("-p", "xdist", "-n", "2", f"--oauthcc-report={report}")
    assert result.ret == 0
    result.stdout.fnmatch_lines(
        [
            "*- oauthcc connections -*",
            "connection  fields  token  *",
            "PayPal      pass    pass   *",
            "Salesforce  pass    pass   *",
            "ServiceX    pass    pass   *",
        ]
    )
    data = json.loads(report.read_text(encoding="utf-8"))
    assert [c["name"] for c in data["connections"]] == ["PayPal", "Salesforce", "ServiceX"]
    assert all(len(c["steps"]) == 9 for c in data["connections"])


def test_the_oauthcc_files_ini_option_chooses_the_files(pytester: pytest.Pytester):
    pytester.makefile(".oauthcc.yaml", servicex=SERVICEX)
    pytester.makefile(".conn.yaml", paypal=(EXAMPLES / "paypal.oauthcc.yaml").read_text())
    pytester.makeini(
        "[pytest]\nfilterwarnings = error\naddopts = -p no:cacheprovider\n"
        "oauthcc_files = *.conn.yaml\n"
    )
    result = pytester.runpytest("--collect-only", "-q")
    result.stdout.fnmatch_lines(["paypal.conn.yaml::fields", "*9 tests collected*"])
    result.stdout.no_fnmatch_line("servicex*")


def test_the_options_are_registered(pytester: pytest.Pytester):
    result = pytester.runpytest("--help")
    result.stdout.fnmatch_lines(
        [
            "OAuth 2.0 client-credentials connections:",
            "  --oauthcc-live        check connection files against the real providers",
            "                        instead of a mock",
            "  --oauthcc-env-file=PATH",
            "                        a dotenv file supplying the ${VAR} placeholders of",
            "                        connection files",
            "  --oauthcc-report=PATH",
            "                        write a JSON report of every connection and step to PATH",
        ]
    )
    result.stdout.fnmatch_lines(["  oauthcc_files (args):*glob patterns of connection files*"])


def test_a_failed_step_shows_every_problem_with_its_line(pytester: pytest.Pytester):
    broken = Path(__file__).parents[1] / "connection" / "broken"
    text = (broken / "fields--every-problem-shown.oauthcc.yaml").read_text(encoding="utf-8")
    pytester.makefile(".oauthcc.yaml", every=text)
    result = pytester.runpytest("every.oauthcc.yaml::fields")
    result.assert_outcomes(failed=1)
    lines = result.stdout.lines
    first = lines.index(
        "Broken fields: fields[2].secret: field 'api_key' (API Key) looks like a credential; "
        "mark it secret: true so it is masked and never logged"
    )
    also = lines.index(
        "also: fields[3].secret: field 'password' (Account password) looks like a credential; "
        "mark it secret: true so it is masked and never logged"
    )
    assert first < also
    assert lines[first + 2 : first + 3] == ["every.oauthcc.yaml:7"]
    assert (
        '>    7 |   - {key: api_key, label: API Key, help: "Settings > API"}' in lines[first:also]
    )
    assert lines[also + 1 : also + 2] == ["every.oauthcc.yaml:8"]
    assert ">    8 |   - {key: password, label: Account password}" in lines[also:]
    assert "more)" not in result.stdout.str()
