"""Part 5 (and its half of part 6): checking a folder of connection files.

The folder holds copies of ``examples/connections/*`` (200 by default, renamed ``NNNN-...``),
checked against mocks built from each file: ``oauthcc check DIR`` in one process, and
``pytest -n 2 DIR`` (the files collected as tests by the plugin). Reported per file.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from common import PYTHON, ROOT, Row, Settings, interleaved, median, ratio, unavailable

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


def _timed(run: Callable[[Path], subprocess.CompletedProcess[str]], folder: Path) -> float:
    start = time.perf_counter()
    run(folder)
    return time.perf_counter() - start


def _probe(folder: Path) -> dict[str, str | None]:
    """Check one small folder each way; say which ways work."""
    small = write_folder(folder / "probe", 6)
    return {
        "oauthcc check": _why_not(cli_check(small), "oauthcc check"),
        "pytest -n 2": _why_not(pytest_check(small), "pytest -n 2"),
    }


RUNNERS = {"oauthcc check": cli_check, "pytest -n 2": pytest_check}


def _measure(settings: Settings, counts: list[int]) -> tuple[list[Row], dict[str, list[float]]]:
    """Seconds per file for each working way and folder size (interleaved)."""
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="oauthcc-bench-") as tmp:
        base = Path(tmp)
        status = _probe(base)
        ways = [way for way, why in status.items() if why is None]
        rows += [
            unavailable("5", "check connection files", way, why)
            for way, why in status.items()
            if why is not None
        ]
        folders = {count: write_folder(base / f"n{count}", count) for count in counts}
        subjects: dict[str, Callable[[], float]] = {}
        for way in ways:
            for count, folder in folders.items():
                subjects[f"{way}:{count}"] = _per_file(RUNNERS[way], folder, count)
        samples = interleaved(max(2, settings.repeats - 2), subjects) if subjects else {}
    return rows, samples


def _per_file(
    run: Callable[[Path], subprocess.CompletedProcess[str]], folder: Path, count: int
) -> Callable[[], float]:
    return lambda: _timed(run, folder) / count


def measure_checker(settings: Settings) -> list[Row]:
    """Part 5: seconds per connection file, serial CLI and ``pytest -n 2``."""
    count = settings.connection_files
    rows, samples = _measure(settings, [count])
    for key, values in samples.items():
        way = key.split(":")[0]
        rows.append(
            Row(
                "5",
                f"check {count} connection files, per file",
                way,
                median(values),
                "s",
                note=f"whole folder {median(values) * count:.2f} s",
                samples=values,
            )
        )
    return rows


def measure_scaling(settings: Settings) -> list[Row]:
    """Part 6 for part 5: per-file cost with 10x the files."""
    small = settings.connection_files
    large = small * 10
    found, samples = _measure(settings, [small, large])
    measurement = f"check per file, {large} vs {small} files"
    rows = [
        unavailable("6", measurement, r.subject, r.note.removeprefix("not available: "))
        for r in found
    ]
    for way in sorted({key.split(":")[0] for key in samples}):
        big, base = median(samples[f"{way}:{large}"]), median(samples[f"{way}:{small}"])
        r = ratio(big, base)
        rows.append(
            Row(
                "6",
                measurement,
                way,
                big,
                "s",
                baseline=f"{small} files",
                baseline_value=base,
                ratio=r,
                target="~1.0x (linear)",
                met=r is not None and r <= 1.2,
                samples=samples[f"{way}:{large}"],
            )
        )
    return rows
