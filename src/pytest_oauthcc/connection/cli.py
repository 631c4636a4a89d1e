"""``oauthcc check`` and ``oauthcc schema``: the checker and the format's JSON Schema.

Layering: imports ``config/``, the results and (when checking) the checker; never the plugin.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TextIO

from .config.schema import schema_json
from .errors import ConfigError, ConfigProblem
from .results import STEPS, CheckResult

__all__ = ["add_check_arguments", "add_schema_arguments", "check", "schema"]

_COLOURS = {"pass": "32", "fail": "31", "warn": "33", "skip": "2"}


def add_check_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``check`` options to ``parser``."""
    parser.add_argument(
        "paths",
        nargs="+",
        type=Path,
        metavar="PATH",
        help="connection files or directories (searched for *.oauthcc.*)",
    )
    parser.add_argument(
        "--format",
        choices=["table", "json"],
        default="table",
        help="table for people (default), json for machines",
    )
    parser.add_argument(
        "--live",
        action="store_true",
        help="check against the real provider (values from OAUTHCC_<NAME>_<FIELD>)",
    )
    parser.add_argument(
        "--env-file",
        type=Path,
        default=None,
        help="KEY=VALUE file with OAUTHCC_<NAME>_<FIELD> values (live mode)",
    )
    parser.add_argument(
        "--color",
        choices=["auto", "always", "never"],
        default="auto",
        help="colour the table (auto: on a terminal, unless NO_COLOR is set)",
    )


def add_schema_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``schema`` options to ``parser``."""
    parser.add_argument(
        "--output",
        "-o",
        type=Path,
        default=None,
        help="write the JSON Schema to this file instead of stdout",
    )


def schema(args: argparse.Namespace, stdout: TextIO | None = None) -> int:
    """Print (or write) the JSON Schema of connection files; return 0."""
    if args.output is not None:
        args.output.write_text(schema_json(), encoding="utf-8")
    else:
        (stdout or sys.stdout).write(schema_json())
    return 0


def check(
    args: argparse.Namespace, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    """Check every connection under ``args.paths``; print a table or JSON.

    Returns 0 when every step of every connection passed (or was skipped/warned), 1 when a
    step failed, 2 when a file was unreadable or not a valid connection config.
    """
    from .checker import Connection
    from .config.loading import find_connection_files

    out = stdout or sys.stdout
    err = stderr or sys.stderr
    files = find_connection_files(list(args.paths))
    progress = err.isatty() and args.format == "table"
    results: list[CheckResult | ConfigError] = []
    for index, path in enumerate(files, start=1):
        if progress:
            err.write(f"\r\033[Kchecking {index}/{len(files)}: {path}")
            err.flush()
        try:
            connection = Connection.load(path)
            results.append(connection.check(live=args.live, env_file=args.env_file))
        except ConfigError as exc:
            results.append(exc)
    if progress:
        err.write("\r\033[K")
    if not files:
        err.write(
            f"oauthcc check: no connection files (*.oauthcc.yaml/.yml/.json/.toml) in "
            f"{', '.join(map(str, args.paths))}\n"
        )
        return 2
    if args.format == "json":
        out.write(json.dumps(_as_json(results), indent=2) + "\n")
    else:
        colour = args.color == "always" or (
            args.color == "auto" and out.isatty() and not os.environ.get("NO_COLOR")
        )
        out.write(render_table(results, colour=colour))
    if any(isinstance(r, ConfigError) for r in results):
        return 2
    return 0 if all(isinstance(r, CheckResult) and r.passed for r in results) else 1


def _as_json(results: list[CheckResult | ConfigError]) -> dict[str, object]:
    return {
        "connections": [r.to_json() for r in results if isinstance(r, CheckResult)],
        "errors": [
            {
                "path": r.path,
                "problems": [
                    {"line": p.line, "column": p.column, "key": p.key, "message": p.message}
                    for p in r.problems
                ],
            }
            for r in results
            if isinstance(r, ConfigError)
        ],
    }


def _where(problem: ConfigProblem) -> str:
    column = f", column {problem.column}" if problem.column else ""
    return f"line {problem.line}{column}"


def render_table(results: list[CheckResult | ConfigError], *, colour: bool = False) -> str:
    """The human report: a step table per connection, config errors, and a summary."""

    def paint(status: str, text: str) -> str:
        return f"\033[{_COLOURS[status]}m{text}\033[0m" if colour else text

    lines: list[str] = []
    counts = dict.fromkeys(("pass", "fail", "warn", "skip"), 0)
    for result in results:
        if isinstance(result, ConfigError):
            lines += [
                paint("fail", "INVALID") + f" {result.path}",
                *(f"  {_where(p)}: {p.key or '(file)'}: {p.message}" for p in result.problems),
                "",
            ]
            continue
        verdict = paint("pass", "PASS") if result.passed else paint("fail", "FAIL")
        lines.append(f"{verdict} {result.name}  ({result.path})")
        width = max(map(len, STEPS))
        for step in result.steps:
            counts[step.status] += 1
            where = f" [line {step.line}]" if step.line else ""
            lines.append(
                f"  {step.step:<{width}}  {paint(step.status, f'{step.status:<4}')}  "
                f"{step.reason}{where}"
            )
            lines += [
                f"  {'':<{width}}  {'':<4}  {reason}" + (f" [line {line}]" if line else "")
                for reason, line in step.more
            ]
            lines += [f"      {entry}" for entry in step.transcript]
        lines.append("")
    checked = [r for r in results if isinstance(r, CheckResult)]
    passed = sum(r.passed for r in checked)
    invalid = len(results) - len(checked)
    summary = (
        f"{len(results)} connection(s): {passed} passed, {len(checked) - passed} failed, "
        f"{invalid} invalid; steps: " + ", ".join(f"{n} {s}" for s, n in counts.items())
    )
    lines.append(summary)
    return "\n".join(lines) + "\n"
