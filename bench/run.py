"""Benchmarks of pytest-oauthcc against the floor and the peers: ``python bench/run.py``.

Prints a markdown table (median of several repetitions, subject and baseline interleaved, the
ratio between them) and writes the full results, samples included, as JSON to
``bench/results/``. ``--quick`` is the under-3-minutes run; ``--smoke`` does one tiny
repetition of everything that needs no peer install, ``pytest -n 2`` on one folder size only
(what the test suite runs).
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import BENCH, Row, Settings, machine, table

PARTS = ("1", "2", "3", "4", "5", "6")


def part_runners(settings: Settings) -> dict[str, Callable[[], list[Row]]]:
    """Each part's runner; imports happen inside, so one broken part cannot stop the rest."""

    def part1() -> list[Row]:
        import provider
        import stacks

        # httpx's rows, then requests', httpx2's and aiohttp's, each against its own floor.
        return provider.measure_round_trip(settings)[0] + stacks.measure_stacks(settings)

    def part2() -> list[Row]:
        import servers

        return servers.measure_servers(settings)

    def part3() -> list[Row]:
        import fixtures

        return fixtures.measure_fixtures(settings)

    def part4() -> list[Row]:
        import client
        import client_auth

        return client.measure_client(settings) + client_auth.measure_client_auth(settings)

    def part5() -> list[Row]:
        import checker

        return checker.measure_checker(settings)

    def part6() -> list[Row]:
        import checker
        import provider

        return provider.measure_round_trip_scaling(settings) + checker.measure_scaling(settings)

    return {"1": part1, "2": part2, "3": part3, "4": part4, "5": part5, "6": part6}


def build_parser() -> argparse.ArgumentParser:
    """The command-line parser of ``python bench/run.py``."""
    parser = argparse.ArgumentParser(prog="python bench/run.py", description=__doc__)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true", help="fewer repetitions (< 3 minutes)")
    mode.add_argument("--smoke", action="store_true", help="one tiny repetition, no peers")
    parser.add_argument(
        "--only", action="append", choices=PARTS, help="run only these parts (repeatable)"
    )
    parser.add_argument("--json", type=Path, default=None, help="write the results here")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the selected parts, print the table, write the JSON; return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    settings = Settings.for_mode("smoke" if args.smoke else "quick" if args.quick else "full")
    selected = args.only or list(PARTS)
    runners = part_runners(settings)
    rows: list[Row] = []
    errors: dict[str, str] = {}
    durations: dict[str, float] = {}
    began = time.perf_counter()
    info = machine()  # before the parts run: the load average is the neighbours', not ours
    for part in selected:
        start = time.perf_counter()
        print(f"part {part}...", file=sys.stderr, flush=True)
        try:
            rows += runners[part]()
        except Exception as exc:
            errors[part] = "".join(traceback.format_exception_only(exc)).strip()
            traceback.print_exc()
        durations[part] = time.perf_counter() - start
    results = {
        "when": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "command": "python bench/run.py " + " ".join(argv if argv is not None else sys.argv[1:]),
        "mode": settings.mode,
        "settings": settings.__dict__,
        "machine": info,
        "parts": selected,
        "durations": durations,
        "total_seconds": time.perf_counter() - began,
        "errors": errors,
        "rows": [row.as_dict() for row in rows],
    }
    path = args.json or BENCH / "results" / f"{settings.mode}-{time.strftime('%Y%m%dT%H%M%S')}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2) + "\n")
    print(
        f"{info['cpu']}, {info['nproc']} cores, load {info['load']}, Python {info['python']}, "
        f"node {info['node']}; "
        f"mode {settings.mode}, {results['total_seconds']:.0f} s\n"
    )
    print(table(rows))
    for part, error in errors.items():
        print(f"\npart {part} failed: {error}")
    print(f"\nresults: {path}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
