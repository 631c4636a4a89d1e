"""Check results: one per step, and per connection file.

Layering: a leaf of ``connection/``: the standard library only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

__all__ = ["STATUSES", "STEPS", "CheckResult", "StepResult", "worst"]

STEPS = (
    "fields",
    "token",
    "refresh",
    "revoke",
    "test",
    "label",
    "allowed_domains",
    "unique_id",
    "request_defaults",
)
STATUSES = ("pass", "fail", "skip", "warn")
_RANK = {"skip": 0, "pass": 1, "warn": 2, "fail": 3}


def worst(statuses: list[str]) -> str:
    """The most severe of ``statuses`` (fail > warn > pass > skip); ``skip`` when empty."""
    return max(statuses, key=_RANK.__getitem__, default="skip")


@dataclass(frozen=True)
class StepResult:
    """The outcome of one step.

    Attributes:
        step: one of :data:`STEPS`.
        status: ``pass``, ``fail``, ``skip`` or ``warn``.
        reason: one line a connector author understands (never a secret).
        transcript: on failure, the HTTP exchange, redacted (one line per request).
        line: the config line the reason is about, when it is about one.
        more: every further problem of the same severity, ``(reason, line)`` each: all of
            them are shown, so a connector author fixes them in one pass.
    """

    step: str
    status: str
    reason: str
    transcript: tuple[str, ...] = ()
    line: int | None = None
    more: tuple[tuple[str, int | None], ...] = ()

    def scrubbed(self, scrub: Callable[[str], str]) -> StepResult:
        """A copy with ``scrub`` applied to the reason and every transcript line."""
        return replace(
            self,
            reason=scrub(self.reason),
            transcript=tuple(map(scrub, self.transcript)),
            more=tuple((scrub(reason), line) for reason, line in self.more),
        )

    def to_json(self) -> dict[str, Any]:
        """``{"step", "status", "reason"}`` plus ``line``, ``more`` (``[{"reason", "line"}]``)
        and ``transcript`` when present."""
        out: dict[str, Any] = {"step": self.step, "status": self.status, "reason": self.reason}
        if self.line is not None:
            out["line"] = self.line
        if self.more:
            out["more"] = [
                {"reason": reason, **({"line": line} if line is not None else {})}
                for reason, line in self.more
            ]
        if self.transcript:
            out["transcript"] = list(self.transcript)
        return out


@dataclass(frozen=True)
class CheckResult:
    """Every step of one connection, in :data:`STEPS` order."""

    path: str
    name: str
    steps: tuple[StepResult, ...] = field(default_factory=tuple)

    @property
    def passed(self) -> bool:
        """No step failed (warnings and skips are not failures)."""
        return all(s.status != "fail" for s in self.steps)

    def __getitem__(self, step: str) -> StepResult:
        for result in self.steps:
            if result.step == step:
                return result
        raise KeyError(f"no step {step!r}; steps are {', '.join(STEPS)}")

    def scrubbed(self, scrub: Callable[[str], str]) -> CheckResult:
        """A copy with ``scrub`` applied to every step's text."""
        return replace(self, steps=tuple(s.scrubbed(scrub) for s in self.steps))

    def to_json(self) -> dict[str, Any]:
        """The JSON shape ``oauthcc check --format json`` prints for one connection."""
        return {
            "path": self.path,
            "name": self.name,
            "steps": [s.to_json() for s in self.steps],
        }
