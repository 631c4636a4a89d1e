"""The README's commands and 30-second examples are real: each one runs here."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import httpx
import pytest

from mock_provider import MockProvider
from pytest_oauthcc import Connection
from pytest_oauthcc.cli import main
from tests.docs_blocks import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
FENCE = re.compile(r"^```(\w+)\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def blocks(language: str) -> list[str]:
    return [body for lang, body in FENCE.findall(README) if lang == language]


def test_the_two_commands_come_first_and_ci_runs_the_test_command() -> None:
    main_job, test_suite = blocks("sh")[:2]
    assert main_job.strip() == "pip install -e '.[jwt]' && oauthcc check examples/connections"
    assert test_suite.strip() == "pip install -e '.[test]' && python -m pytest -n 2"
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "pip install -q -e '.[test]'" in ci
    assert re.search(r"^ *python -m pytest -n 2$", ci, re.MULTILINE)


def test_the_main_job_passes_every_example(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "examples/connections"]) == 0
    assert re.search(r"^9 connection\(s\): 9 passed, 0 failed", capsys.readouterr().out, re.M)


def test_the_ci_teams_connection_file_passes_every_step(tmp_path: Path) -> None:
    (config,) = blocks("yaml")
    path = tmp_path / "servicex.oauthcc.yaml"
    path.write_text(config, encoding="utf-8")
    result = Connection.load(path).check()
    statuses = {step.step: step.status for step in result.steps}
    assert result.passed
    assert statuses == {
        "fields": "pass",
        "token": "pass",
        "refresh": "skip",
        "revoke": "skip",
        "test": "pass",
        "label": "pass",
        "allowed_domains": "pass",
        "unique_id": "pass",
        "request_defaults": "skip",
    }


def test_the_library_authors_example_passes(pytester: pytest.Pytester) -> None:
    (module,) = blocks("python")
    pytester.makepyfile(test_readme_example=module)
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_the_reproducers_control_api_call_is_accepted_as_curl_sends_it() -> None:
    curl = next(b for b in blocks("sh") if "/_mock/faults" in b)
    words = shlex.split(curl.replace("\\\n", " "))
    body = words[-1]
    # curl -d sends application/x-www-form-urlencoded unless told otherwise (-H), and a
    # form-encoded control write is refused: it is what a web page can send without
    # preflight (issue 16).
    sent = [words[i + 1] for i, word in enumerate(words) if word == "-H"]
    headers = dict(h.split(": ", 1) for h in sent) or {
        "Content-Type": "application/x-www-form-urlencoded"
    }
    provider = MockProvider(control=True)
    provider.add_client("demo-client", "demo-secret")
    with httpx.Client(transport=provider.transport(), base_url=provider.url) as http:
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        assert http.post("/_mock/faults", content=body, headers=form).status_code == 415
        queued = http.post("/_mock/faults", content=body, headers=headers)
        assert queued.status_code == 201, queued.text
        with pytest.raises(httpx.ReadError):
            http.post(
                "/oauth/token",
                data={"grant_type": "client_credentials"},
                auth=("demo-client", "demo-secret"),
            )
        recorded = http.get("/_mock/requests").json()
    assert [r["status"] for r in recorded] == [0]
    assert json.loads(body) == {"endpoint": "token", "times": 1, "drop": True}
