"""What every measurement shares: repetition and medians, result rows, the table, the machine.

Absolute times on a shared 2-core machine are noisy, so each measurement runs its subject and
its baseline interleaved in the same repetition loop and reports the ratio of their medians.
"""

from __future__ import annotations

import contextlib
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
PYTHON = sys.executable


@dataclass(frozen=True)
class Settings:
    """How much work each measurement does (``--quick``, ``--smoke`` or full)."""

    mode: str
    repeats: int
    round_trips: int
    server_repeats: int
    server_requests: int
    suite_tests: int
    client_requests: int
    storm_threads: int
    storm_tasks: int
    connection_files: int
    peers: bool
    # Part 6's 1x request count on one provider (10x is measured against it).
    scaling_requests: int

    @classmethod
    def for_mode(cls, mode: str) -> Settings:
        """The settings of ``mode``: ``full``, ``quick`` or ``smoke``."""
        if mode == "smoke":
            return cls(mode, 1, 20, 1, 20, 5, 20, 5, 10, 4, peers=False, scaling_requests=20)
        if mode == "quick":
            # Parts 1 and 4: many short repetitions, so that the median of the paired
            # ratios is not moved by a neighbour's burst of load.
            return cls(
                mode, 45, 40, 3, 300, 200, 40, 50, 500, 200, peers=True, scaling_requests=300
            )
        return cls(
            mode, 45, 200, 5, 1000, 1000, 200, 50, 500, 200, peers=True, scaling_requests=1000
        )


@dataclass
class Row:
    """One line of the results table: a subject measured against a baseline."""

    part: str
    measurement: str
    subject: str
    value: float | None
    unit: str
    baseline: str = ""
    baseline_value: float | None = None
    ratio: float | None = None
    target: str = ""
    met: bool | None = None
    note: str = ""
    samples: list[float] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The row as JSON-ready data."""
        return asdict(self)


def unavailable(part: str, measurement: str, subject: str, why: str) -> Row:
    """A row for a measurement that could not run, saying why."""
    return Row(part, measurement, subject, None, "", note=f"not available: {why}")


def median(values: list[float]) -> float:
    """The median of ``values``."""
    return statistics.median(values)


def interleaved(repeats: int, subjects: dict[str, Callable[[], float]]) -> dict[str, list[float]]:
    """Run each subject once per repetition, rotating the order, and collect its results.

    Each callable does one repetition and returns its measured value. Rotating the order
    spreads the noise of neighbouring processes over every subject alike.
    """
    names = list(subjects)
    results: dict[str, list[float]] = {name: [] for name in names}
    for rep in range(repeats):
        shift = rep % len(names)
        for name in names[shift:] + names[:shift]:
            results[name].append(subjects[name]())
    return results


def per_call(function: Callable[[], object], count: int) -> float:
    """Seconds per call of ``function`` over ``count`` calls."""
    start = time.perf_counter()
    for _ in range(count):
        function()
    return (time.perf_counter() - start) / count


def ratio(subject: float | None, baseline: float | None) -> float | None:
    """``subject / baseline``, or ``None`` when either is missing."""
    if subject is None or baseline is None or baseline == 0:
        return None
    return subject / baseline


def paired_ratio(subject: list[float], baseline: list[float]) -> float | None:
    """The median of the per-repetition ratios ``subject[i] / baseline[i]``.

    Subject and baseline ran next to each other in each repetition, so each pair saw the
    same load from neighbouring processes; the median of their ratios is steadier than
    the ratio of the two medians on a busy machine.
    """
    pairs = [s / b for s, b in zip(subject, baseline, strict=True) if b]
    return statistics.median(pairs) if pairs else None


def machine() -> dict[str, str]:
    """The machine the numbers came from: CPU model, cores, Python, OS."""
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    node = "absent"
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        node = subprocess.run(
            ["node", "-v"], capture_output=True, text=True, timeout=10, check=True
        ).stdout.strip()
    return {
        "cpu": model,
        "nproc": str(os.cpu_count()),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "node": node,
        # The 1-minute load average when the run started: above the core count, neighbouring
        # processes were competing for the CPU and absolute times are inflated.
        "load": f"{os.getloadavg()[0]:.1f}",
    }


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "–"
    if unit == "s":
        if value < 1e-3:
            return f"{value * 1e6:.1f} µs"
        if value < 1:
            return f"{value * 1e3:.2f} ms"
        return f"{value:.2f} s"
    if unit == "req/s":
        return f"{value:,.0f} req/s"
    if unit == "x":
        return f"{value:.2f}x"
    return f"{value:g} {unit}".strip()


def _cell(text: str) -> str:
    """``text`` made safe for one markdown table cell."""
    return " ".join(text.replace("|", "/").split())


def table(rows: list[Row]) -> str:
    """The rows as a markdown table."""
    lines = [
        "| part | measurement | subject | median | baseline | baseline median | ratio "
        "| target | met |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        met = {True: "yes", False: "**no**", None: ""}[row.met]
        value = _fmt(row.value, row.unit) if row.value is not None else _cell(row.note)
        lines.append(
            f"| {row.part} | {row.measurement} | {row.subject} | {value} | {row.baseline} "
            f"| {_fmt(row.baseline_value, row.unit)} "
            f"| {'' if row.ratio is None else f'{row.ratio:.2f}x'} | {row.target} | {met} |"
        )
    return "\n".join(lines)
