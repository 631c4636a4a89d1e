"""Scenarios bundled with the package: loaded by name, listed in ``--help``, and the error
for a scenario that is neither a file nor a bundled name."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import httpx
import pytest

from mock_provider.bundled import bundled_scenarios
from mock_provider.scenario import ScenarioNotFound, load_scenario

FOLDER = Path(__file__).resolve().parents[2] / "mock_provider" / "scenarios"
OAUTHCC = str(Path(sys.executable).with_name("oauthcc"))
PROGRAMS = {
    "oauthcc": [OAUTHCC],
    "python -m mock_provider": [sys.executable, "-m", "mock_provider"],
}


def test_every_file_of_the_folder_is_bundled_by_its_name() -> None:
    files = sorted(p.stem for p in FOLDER.iterdir() if p.suffix in {".yaml", ".yml", ".json"})
    assert list(bundled_scenarios()) == files
    assert "flaky-token-endpoint" in files


@pytest.mark.parametrize("name", ["flaky-token-endpoint", "throttled", "throttled.json"])
def test_a_bundled_scenario_loads_by_name_as_its_file_does(name: str) -> None:
    stem = name.removesuffix(".json")
    by_name = load_scenario(name)
    (path,) = FOLDER.glob(f"{stem}.*")
    assert by_name.path == stem
    assert by_name.data == load_scenario(path).data


def test_a_file_wins_over_a_bundled_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("slow").write_text("description: my own slow\n", encoding="utf-8")
    assert load_scenario("slow").description == "my own slow"


def test_a_name_with_the_wrong_suffix_is_not_found(tmp_path: Path) -> None:
    with pytest.raises(ScenarioNotFound) as caught:
        load_scenario(tmp_path / "throttled.yaml")
    assert caught.value.problems == [
        f"no scenario '{tmp_path / 'throttled.yaml'}': no file {tmp_path / 'throttled.yaml'} "
        f"and no bundled scenario of that name (bundled: {', '.join(bundled_scenarios())})"
    ]


@pytest.mark.parametrize("program", list(PROGRAMS))
def test_serve_help_lists_the_bundled_scenarios(program: str) -> None:
    result = subprocess.run(
        [*PROGRAMS[program], "serve", "--help"],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    lines = result.stdout.splitlines()
    start = lines.index("bundled scenarios (--scenario NAME):")
    assert lines[start + 1 :] == [f"  {name}" for name in bundled_scenarios()]


@pytest.mark.parametrize("program", list(PROGRAMS))
def test_version_prints_the_distribution_version(program: str) -> None:
    result = subprocess.run(
        [*PROGRAMS[program], "--version"], capture_output=True, text=True, timeout=30, check=True
    )
    assert result.stdout == f"{program} {version('pytest-oauthcc')}\n"


def test_serve_a_bundled_scenario_by_name() -> None:
    from tests.faults.test_serve import DEMO, TOKEN, running

    with running("--scenario", "flaky-token-endpoint") as (server, out):
        assert "  scenario       flaky-token-endpoint" in out.getvalue().splitlines()
        with httpx.Client(base_url=server.url, timeout=5) as http:
            statuses = [http.post("/oauth/token", auth=DEMO, data=TOKEN).status_code]
            statuses += [http.post("/oauth/token", auth=DEMO, data=TOKEN).status_code]
            statuses += [http.post("/oauth/token", auth=DEMO, data=TOKEN).status_code]
    assert statuses == [503, 503, 200]
