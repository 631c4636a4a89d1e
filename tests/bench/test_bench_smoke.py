"""The benchmark harness runs end to end in its tiny mode, and the Performance page's commands
are ones it accepts. Timings are never asserted: only that every part produced its rows."""

from __future__ import annotations

import importlib.util
import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RUN = ROOT / "bench" / "run.py"
PAGE = ROOT / "docs" / "performance.md"
ROW_KEYS = {
    "part",
    "measurement",
    "subject",
    "value",
    "unit",
    "baseline",
    "baseline_value",
    "ratio",
    "target",
    "met",
    "note",
    "samples",
}


def test_smoke_run_measures_every_part_and_writes_json(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    result = subprocess.run(
        [sys.executable, str(RUN), "--smoke", "--json", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    data = json.loads(out.read_text())
    assert set(data) == {
        "when",
        "command",
        "mode",
        "settings",
        "machine",
        "parts",
        "durations",
        "total_seconds",
        "errors",
        "rows",
    }
    assert data["mode"] == "smoke"
    assert data["errors"] == {}
    assert set(data["machine"]) == {"cpu", "nproc", "python", "platform", "node", "load"}
    assert {row["part"] for row in data["rows"]} == {"1", "2", "3", "4", "5", "6"}
    for row in data["rows"]:
        assert set(row) == ROW_KEYS
        # A row either has a measured value or says why it could not be measured.
        assert row["value"] is not None or row["note"].startswith("not available: ")
        # Times and rates are positive: a difference of noisy runs is reported as noise.
        assert row["value"] is None or row["value"] > 0, row
    measured = {(row["part"], row["subject"]) for row in data["rows"] if row["value"] is not None}
    assert ("1", "oauth_provider transport") in measured
    for stack in ("requests", "httpx2", "aiohttp"):  # bench/stacks.py's rows, in part 1
        assert ("1", f"provider via the {stack} hook") in measured
    assert ("2", "pytest-oauthcc provider.serve() (thread)") in measured
    assert "| part | measurement | subject |" in result.stdout


def _documented_commands() -> list[list[str]]:
    text = PAGE.read_text(encoding="utf-8")
    lines = re.findall(r"^\s*(?:\.venv/bin/)?python bench/run\.py.*$", text, flags=re.MULTILINE)
    return [shlex.split(line, comments=True)[2:] for line in lines]


def test_performance_page_documents_the_quick_and_full_runs() -> None:
    commands = _documented_commands()
    assert ["--quick"] in commands
    assert [] in commands


@pytest.mark.parametrize("args", _documented_commands(), ids=lambda a: " ".join(a) or "full")
def test_documented_command_is_accepted(args: list[str]) -> None:
    # run.py puts bench/ on sys.path for its sibling modules; undo that and forget them, so
    # bench's top-level module names (common, client, ...) do not leak into this process.
    saved_path, saved_modules = list(sys.path), set(sys.modules)
    try:
        spec = importlib.util.spec_from_file_location("oauthcc_bench_run", RUN)
        assert spec is not None
        assert spec.loader is not None
        run = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(run)
        run.build_parser().parse_args(args)
    finally:
        sys.path[:] = saved_path
        for name in set(sys.modules) - saved_modules:
            where = getattr(sys.modules[name], "__file__", None) or ""
            if Path(where).parent == RUN.parent:
                del sys.modules[name]
