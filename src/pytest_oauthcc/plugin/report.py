"""The connection x step matrix and the JSON report, built where the test reports arrive.

Each step item carries its result as a user property, which xdist ships with the test report
to the controller; so the matrix and the report are complete on the controller whether the
steps ran there or on any number of workers.

Layering: part of the plugin, the top layer: may import pytest, the client, the connection
checker and what :mod:`mock_provider` exports; nothing outside ``plugin/`` imports it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pytest

from pytest_oauthcc.connection import STEPS

from .keys import STEP_PROPERTY

__all__ = ["ConnectionResults", "render_matrix"]


class ConnectionResults:
    """Step results and invalid files seen in this run, by connection file."""

    def __init__(self) -> None:
        self.steps: dict[str, dict[str, Any]] = {}
        self.invalid: dict[str, str] = {}

    def add_test_report(self, report: pytest.TestReport) -> None:
        """Keep the step result carried by ``report``, if any."""
        for prop in report.user_properties:
            name, value = prop
            if name != STEP_PROPERTY or not isinstance(value, Mapping):
                continue
            if "invalid" in value:
                self.invalid[value["path"]] = value["invalid"]
            else:
                entry = self.steps.setdefault(
                    value["path"], {"path": value["path"], "name": value["name"], "steps": {}}
                )
                step = {k: v for k, v in value.items() if k not in ("path", "name")}
                entry["steps"][value["step"]] = step

    def __bool__(self) -> bool:
        return bool(self.steps or self.invalid)

    def to_json(self) -> dict[str, Any]:
        """``{"connections": [...], "invalid": [...]}``, sorted by path; steps in step order."""
        connections = []
        for path in sorted(self.steps):
            entry = self.steps[path]
            steps = [entry["steps"][s] for s in STEPS if s in entry["steps"]]
            connections.append(
                {
                    "path": path,
                    "name": entry["name"],
                    "passed": all(s["status"] != "fail" for s in steps),
                    "steps": steps,
                }
            )
        invalid = [{"path": p, "error": self.invalid[p]} for p in sorted(self.invalid)]
        return {"connections": connections, "invalid": invalid}

    def write(self, path: str | Path) -> None:
        """Write :meth:`to_json` to ``path`` (UTF-8, indented)."""
        Path(path).write_text(json.dumps(self.to_json(), indent=2) + "\n", encoding="utf-8")


def render_matrix(results: ConnectionResults) -> Iterable[str]:
    """The connection x step matrix: one row per connection, ``-`` for a step not run."""
    data = results.to_json()
    names = [c["name"] for c in data["connections"]] + [i["path"] for i in data["invalid"]]
    first = max([len("connection"), *map(len, names)])
    widths = [max(len(step), 4) for step in STEPS]
    yield "  ".join(
        ["connection".ljust(first), *(s.ljust(w) for s, w in zip(STEPS, widths, strict=True))]
    ).rstrip()
    for connection in data["connections"]:
        status = {s["step"]: s["status"] for s in connection["steps"]}
        cells = [status.get(step, "-").ljust(w) for step, w in zip(STEPS, widths, strict=True)]
        yield "  ".join([connection["name"].ljust(first), *cells]).rstrip()
    for invalid in data["invalid"]:
        yield f"{invalid['path'].ljust(first)}  invalid connection config"
