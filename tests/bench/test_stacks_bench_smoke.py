"""bench/stacks.py runs end to end in its tiny mode and measures one row per stack. Timings
are never asserted: only that each stack produced a subject, a floor and a ratio."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_stacks_bench_smoke_run_has_a_row_per_stack() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "stacks.py"), "--smoke"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    rows = [line for line in result.stdout.splitlines() if line.startswith("| 1 |")]
    assert [row.split("|")[2].strip() for row in rows] == [
        f"in-process token round trip ({stack})" for stack in ("requests", "httpx2", "aiohttp")
    ]
    assert all(row.split("|")[7].strip().endswith("x") for row in rows)
