"""The docs home page's install lines and 30-second starts are real: each one runs here."""

from __future__ import annotations

import shlex
from importlib.metadata import metadata
from pathlib import Path

import httpx
import pytest

from mock_provider import MockProvider
from mock_provider.bundled import bundled_scenarios
from pytest_oauthcc import Connection
from tests.docs_blocks import code_blocks

PAGE = "index.md"


def test_the_install_lines_name_real_extras() -> None:
    (install, _) = code_blocks(PAGE, "sh")
    extras = set(metadata("pytest-oauthcc").get_all("Provides-Extra") or ())
    named = {word.split("[")[1].rstrip("]'") for word in install.split() if "[" in word}
    assert named == {"jwt", "tls"}
    assert named <= extras


def test_the_ci_teams_connection_file_passes_every_step(tmp_path: Path) -> None:
    (config,) = code_blocks(PAGE, "yaml")
    path = tmp_path / "servicex.oauthcc.yaml"
    path.write_text(config, encoding="utf-8")
    result = Connection.load(path).check()
    assert result.passed, result


def test_the_library_authors_example_passes(pytester: pytest.Pytester) -> None:
    (module,) = code_blocks(PAGE)
    pytester.makepyfile(test_index_example=module)
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_the_reproducers_commands_work_as_typed() -> None:
    (_, commands) = code_blocks(PAGE, "sh")
    lines = commands.replace("\\\n", " ").splitlines()
    serve = shlex.split(lines[0])
    assert serve[serve.index("--scenario") + 1] in bundled_scenarios()
    curl = shlex.split(lines[2])
    headers = dict(curl[i + 1].split(": ", 1) for i, w in enumerate(curl) if w == "-H")
    body = curl[curl.index("-d") + 1]
    provider = MockProvider(control=True)
    with httpx.Client(transport=provider.transport(), base_url=provider.url) as http:
        assert http.post("/_mock/faults", content=body, headers=headers).status_code == 201
    assert provider.faults.pending[0].drop is True
