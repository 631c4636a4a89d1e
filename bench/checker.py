"""Part 5 (and its half of part 6): checking a folder of connection files.

The folder holds copies of ``examples/connections/*`` (200 by default, renamed ``NNNN-...``),
checked against mocks built from each file: ``oauthcc check DIR`` in one process, and
``pytest -n 2 DIR`` (the files collected as tests by the plugin). Reported per file.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from common import PYTHON, ROOT, Row, Settings, median, ratio, unavailable

EXAMPLES = ROOT / "examples" / "connections"
CLI = "from pytest_oauthcc.cli import main; raise SystemExit(main())"


def write_folder(folder: Path, count: int) -> Path:
    """Fill ``folder`` with ``count`` copies of the example connection files."""
    examples = sorted(p for p in EXAMPLES.glob("*.oauthcc.*") if p.is_file())
    if not examples:
        raise FileNotFoundError(f"no connection files in {EXAMPLES}")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pytest.ini").write_text("[pytest]\n")
    for n in range(count):
        example = examples[n % len(examples)]
        shutil.copyfile(example, folder / f"{n:04d}-{example.name}")
    return folder


def cli_check(folder: Path) -> subprocess.CompletedProcess[str]:
    """Run ``oauthcc check FOLDER``."""
    return subprocess.run(
        [PYTHON, "-c", CLI, "check", str(folder)],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=900,
    )


def pytest_check(folder: Path) -> subprocess.CompletedProcess[str]:
    """Run ``pytest -n 2`` on the folder (connection files collected as tests)."""
    return subprocess.run(
        [PYTHON, "-m", "pytest", "-n", "2", "-p", "no:cacheprovider", "-q", str(folder)],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=900,
    )


def _why_not(result: subprocess.CompletedProcess[str], what: str) -> str | None:
    """Why a run does not count as checking the folder, or ``None`` if it does.

    Exit status 1 (some connection failed its checks) still checked every file; anything
    else (usage error, nothing collected, crash) means the feature is not there yet.
    """
    output = (result.stdout + result.stderr).strip()
    if result.returncode in (0, 1) and "no tests ran" not in output:
        return None
    tail = " | ".join(output.splitlines()[-3:])
    return f"{what} exited {result.returncode}: {tail[:240]}"


RUNNERS = {"oauthcc check": cli_check, "pytest -n 2": pytest_check}
# `--smoke` checks with `pytest -n 2` once, on its largest folder: that proves the way checks a
# folder of files; the per-file figures of parts 5 and 6 need every size. Each run starts a
# pytest and two xdist workers, and three of them were two thirds of the smoke run.
SMOKE_ONE_SIZE = {"pytest -n 2"}
# A per-file cost is a difference of two whole runs; with few files and one repetition
# (--smoke) the runs' noise can exceed it, and a negative time per file means nothing.
_NOISE = "the per-file cost is below the timing noise at this size (run --quick or full)"


def _measure(settings: Settings, counts: list[int]) -> tuple[list[Row], dict[str, list[float]]]:
    """Seconds per file for each way and folder size, interleaved and rotating the order.

    A way whose run does not check the folder (the command or the collector does not exist
    yet) is dropped and reported unavailable.
    """
    repeats = {"smoke": 1, "quick": 2}.get(settings.mode, 5)
    rows: list[Row] = []
    samples: dict[str, list[float]] = {}
    broken: set[str] = set()
    with tempfile.TemporaryDirectory(prefix="oauthcc-bench-") as tmp:
        folders = {count: write_folder(Path(tmp) / f"n{count}", count) for count in counts}
        one_size = SMOKE_ONE_SIZE if settings.mode == "smoke" else set()
        keys = [
            (way, count)
            for count in counts
            for way in RUNNERS
            if way not in one_size or count == max(counts)
        ]
        for rep in range(repeats):
            shift = rep % len(keys)
            for way, count in keys[shift:] + keys[:shift]:
                if way in broken:
                    continue
                start = time.perf_counter()
                result = RUNNERS[way](folders[count])
                elapsed = time.perf_counter() - start
                why = _why_not(result, way)
                if why is not None:
                    broken.add(way)
                    rows.append(unavailable("5", "check connection files", way, why))
                    continue
                samples.setdefault(f"{way}:{count}", []).append(elapsed / count)
    dropped = {key for key in samples if key.split(":")[0] in broken}
    return rows, {key: values for key, values in samples.items() if key not in dropped}


def scaling_counts(settings: Settings) -> tuple[int, int]:
    """The two folder sizes of part 6: the part 5 folder and 10x it (a tenth of it and the
    part 5 folder in ``--quick``, so the run stays under three minutes)."""
    count = settings.connection_files
    return (max(2, count // 10), count) if settings.mode != "full" else (count, count * 10)


@functools.cache
def _results(settings: Settings) -> tuple[tuple[Row, ...], dict[str, list[float]]]:
    rows, samples = _measure(settings, sorted({1, *scaling_counts(settings)}))
    return tuple(rows), samples


def marginal(samples: dict[str, list[float]], way: str, low: int, high: int) -> list[float]:
    """Seconds per file between two folder sizes, per repetition: the process start-up and
    collection costs that do not grow with the folder cancel out."""
    return [
        (b * high - a * low) / (high - low)
        for a, b in zip(samples[f"{way}:{low}"], samples[f"{way}:{high}"], strict=True)
    ]


def measure_checker(settings: Settings) -> list[Row]:
    """Part 5: seconds per connection file, serial CLI and ``pytest -n 2``."""
    count = settings.connection_files
    found, samples = _results(settings)
    rows = list(found)
    for way in RUNNERS:
        if f"{way}:{count}" not in samples:
            continue
        whole = median(samples[f"{way}:{count}"]) * count
        if f"{way}:1" not in samples:
            why = f"--smoke checks one folder size (whole folder {whole:.2f} s)"
            rows.append(unavailable("5", f"check {count} connection files, per file", way, why))
            continue
        values = marginal(samples, way, 1, count)
        if median(values) <= 0:
            rows.append(unavailable("5", f"check {count} connection files, per file", way, _NOISE))
            continue
        rows.append(
            Row(
                "5",
                f"check {count} connection files, per file",
                way,
                median(values),
                "s",
                note=f"whole folder {whole:.2f} s (start-up included)",
                samples=values,
            )
        )
    return rows


def measure_scaling(settings: Settings) -> list[Row]:
    """Part 6 for part 5: per-file cost with 10x the files."""
    small, large = scaling_counts(settings)
    found, samples = _results(settings)
    measurement = f"check, per file from {small} to {large} files"
    rows = [
        unavailable("6", measurement, r.subject, r.note.removeprefix("not available: "))
        for r in found
    ]
    for way in RUNNERS:
        if f"{way}:{large}" not in samples:
            continue
        if f"{way}:1" not in samples:
            rows.append(unavailable("6", measurement, way, "--smoke checks one folder size"))
            continue
        growth = marginal(samples, way, small, large)
        first = marginal(samples, way, 1, small)
        big, base = median(growth), median(first)
        if big <= 0 or base <= 0:
            rows.append(unavailable("6", measurement, way, _NOISE))
            continue
        r = ratio(big, base)
        rows.append(
            Row(
                "6",
                measurement,
                way,
                big,
                "s",
                baseline=f"per file from 1 to {small} files",
                baseline_value=base,
                ratio=r,
                target="~1.0x (linear)",
                met=r is not None and r <= 1.2,
                samples=growth,
            )
        )
    return rows
