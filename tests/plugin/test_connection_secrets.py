"""Connection files collected by pytest, live against a provider that echoes the secret: the
terminal output (failure reprs, sections, -rA summary), the JUnit XML and the
``--oauthcc-report`` JSON never carry it."""

from __future__ import annotations

import pytest

from mock_provider.protocol import fingerprint
from tests.echoing import ECHOES, SECRET, echoing_provider, leaks, write_config


@pytest.mark.parametrize("echo", ECHOES)
def test_pytest_junit_and_report_never_carry_an_echoed_secret(
    pytester: pytest.Pytester, echo: str
) -> None:
    provider = echoing_provider(echo)
    with provider.serve() as server:
        write_config(pytester.path, server.url)
        result = pytester.runpytest(
            "-rA",
            "-v",
            "--oauthcc-live",
            "--oauthcc-env-file=ci.env",
            "--junitxml=junit.xml",
            "--oauthcc-report=report.json",
        )
    output = result.stdout.str() + result.stderr.str()
    junit = (pytester.path / "junit.xml").read_text(encoding="utf-8")
    report = (pytester.path / "report.json").read_text(encoding="utf-8")
    shown = fingerprint(SECRET)
    # The echo reached every surface, as a fingerprint only (pytest prints no passing
    # step's reason, so the 200-body echo shows in the files only).
    assert (shown in output) == (echo != "body")
    assert shown in junit
    assert shown in report
    assert leaks(output) == []
    assert leaks(junit) == []
    assert leaks(report) == []
