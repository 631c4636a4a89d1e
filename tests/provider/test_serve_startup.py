"""Start-up problems of ``oauthcc serve`` / ``python -m mock_provider serve``: each is one
``error:`` line on stderr and exit status 2, never a traceback, and nothing on stdout.

A missing extra is simulated in the child process only: ``sys.modules[name] = None`` makes
every ``import name`` there raise ImportError, as if the package were not installed.
"""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from mock_provider.bundled import bundled_scenarios

WAIT = 30.0
BUNDLED = ", ".join(bundled_scenarios())
# `python -c CODE ARGS...` runs a CLI's main with ARGS after blocking the named imports.
PROGRAMS = {
    "oauthcc": "from pytest_oauthcc.cli import main",
    "python -m mock_provider": "from mock_provider.cli import main",
}


def run(
    program: str, *args: str, blocked: tuple[str, ...] = (), cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    code = (
        f"import sys\nfor name in {blocked!r}:\n    sys.modules[name] = None\n"
        f"{PROGRAMS[program]}\nraise SystemExit(main(sys.argv[1:]))\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        timeout=WAIT,
        cwd=cwd,
        check=False,
    )


def assert_refused(result: subprocess.CompletedProcess[str], line: str) -> None:
    assert (result.returncode, result.stdout, result.stderr.splitlines()) == (2, "", [line])


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A loopback port another socket is listening on."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        yield int(listener.getsockname()[1])


@pytest.mark.parametrize("program", list(PROGRAMS))
def test_a_port_in_use_is_one_line(program: str, busy_port: int) -> None:
    assert_refused(
        run(program, "serve", "--port", str(busy_port)),
        f"error: cannot serve on 127.0.0.1:{busy_port}: the port is already in use "
        "(choose another --port, or --port 0 for a free one)",
    )


@pytest.mark.parametrize("port", ["65536", "-1", "99999"])
def test_a_port_out_of_range_is_one_line(port: str) -> None:
    assert_refused(
        run("oauthcc", "serve", "--port", port),
        f"error: --port {port} is out of range: expected 0-65535 (0 picks a free port)",
    )


def test_an_address_of_another_machine_is_one_line() -> None:
    # 192.0.2.0/24 is TEST-NET-1 (RFC 5737): never an address of this machine.
    assert_refused(
        run("oauthcc", "serve", "--host", "192.0.2.1"),
        "error: cannot serve on 192.0.2.1:0: 192.0.2.1 is not an address of this machine",
    )


@pytest.mark.parametrize("program", list(PROGRAMS))
def test_tls_without_the_tls_extra_is_one_line(program: str) -> None:
    assert_refused(
        run(program, "serve", "--tls", blocked=("trustme",)),
        "error: --tls needs the 'tls' extra (trustme is not installed): "
        "pip install 'pytest-oauthcc[tls]'",
    )


@pytest.mark.parametrize("program", list(PROGRAMS))
def test_jwt_without_the_jwt_extra_is_refused_before_serving(program: str) -> None:
    # Without the check the server started, then answered every token request with 500.
    assert_refused(
        run(program, "serve", "--token-format", "jwt", blocked=("joserfc",)),
        "error: --token-format jwt needs the 'jwt' extra (joserfc is not installed): "
        "pip install 'pytest-oauthcc[jwt]'",
    )


def test_a_scenario_that_needs_jwt_without_the_extra_is_one_line(tmp_path: Path) -> None:
    scenario = tmp_path / "jwt.yaml"
    scenario.write_text("provider:\n  token_format: jwt\n", encoding="utf-8")
    assert_refused(
        run("oauthcc", "serve", "--scenario", str(scenario), blocked=("joserfc",)),
        "error: the scenario's token_format jwt needs the 'jwt' extra (joserfc is not "
        "installed): pip install 'pytest-oauthcc[jwt]'",
    )


@pytest.mark.parametrize("program", list(PROGRAMS))
def test_a_missing_scenario_names_what_was_looked_for(program: str, tmp_path: Path) -> None:
    assert_refused(
        run(program, "serve", "--scenario", "flaky.yaml", cwd=tmp_path),
        f"error: no scenario 'flaky.yaml': no file {tmp_path / 'flaky.yaml'} and no bundled "
        f"scenario of that name (bundled: {BUNDLED})",
    )


def test_check_says_a_jwt_config_needs_the_extra(tmp_path: Path) -> None:
    config = Path(__file__).parents[2] / "examples" / "connections" / "okta-orders-api.oauthcc.toml"
    result = run("oauthcc", "check", str(config), blocked=("joserfc",), cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    token_line = next(line for line in result.stdout.splitlines() if "  token " in line)
    assert token_line.split() == [
        "token",
        "fail",
        "token_format",
        "jwt:",
        "token_format='jwt'",
        "needs",
        "the",
        "'jwt'",
        "extra:",
        "pip",
        "install",
        "'pytest-oauthcc[jwt]'",
    ]
    assert "0 passed, 1 failed" in result.stdout
