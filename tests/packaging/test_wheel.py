"""The built wheel is complete: installed into a fresh virtualenv, away from any checkout, it
serves a bundled scenario by name on a loopback socket.

Slow (it builds a wheel and installs it with its dependencies from pip's cache); ``.ci/run``
runs it once. Every subprocess and every wait is bounded.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.docs_blocks import ROOT
from tests.provider.test_serve_cli import FIRST_LINE, Start

pytestmark = pytest.mark.slow

STEP = 180.0  # seconds for one build or install step (a cold cache is slow, never endless)


def _run(*args: str | Path, cwd: Path) -> str:
    result = subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, timeout=STEP, cwd=cwd, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_the_installed_wheel_serves_a_bundled_scenario_by_name(
    tmp_path: Path, start: Start
) -> None:
    dist, venv, elsewhere = tmp_path / "dist", tmp_path / "venv", tmp_path / "elsewhere"
    elsewhere.mkdir()
    _run(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", dist, ROOT, cwd=tmp_path)
    (wheel,) = dist.glob("pytest_oauthcc-*.whl")
    _run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp_path)
    python = venv / "bin" / "python"
    _run(sys.executable, "-m", "pip", "--python", python, "install", "-q", wheel, cwd=tmp_path)
    # The package comes from the virtualenv, not from the checkout this test runs in.
    where = _run(python, "-c", "import mock_provider; print(mock_provider.__file__)", cwd=elsewhere)
    assert Path(where.strip()).is_relative_to(venv)

    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    process, lines = start(
        [venv / "bin" / "oauthcc", "serve", "--scenario", "flaky-token-endpoint", "--port", "0"],
        env={**env, "PYTHONWARNINGS": "error"},
    )
    first = lines.next()
    assert first.startswith(FIRST_LINE)
    url = first.removeprefix("Serving mock OAuth provider at ")
    assert lines.next() == "  scenario       flaky-token-endpoint"
    lines.until("Press Ctrl-C to stop.")
    form = {"grant_type": "client_credentials"}
    with httpx.Client(base_url=url, auth=("demo-client", "demo-secret"), timeout=5) as http:
        answers = [http.post("/oauth/token", data=form) for _ in range(3)]
    assert [a.status_code for a in answers] == [503, 503, 200]
    assert answers[0].json()["error"] == "temporarily_unavailable"
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=30) == 0
    assert process.stderr is not None
    assert process.stderr.read() == ""
