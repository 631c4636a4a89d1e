"""Scripted failures: what a real provider does to its clients on a bad day.

A :class:`Fault` targets one endpoint (optionally one client) and fires once, N times, every
Nth request, or until cleared; its fields are its option definitions (:mod:`.options`), so
``add_fault``, scenario files, the control API and its OpenAPI document share them.

A fault either *replaces* the answer (a status, an OAuth error, a chosen body, a malformed
body, a 429 with ``Retry-After``), or *passes through* to the real endpoint and only adds
headers or a delay; ``drop=True`` answers nothing and closes (on a socket: resets) the
connection.

Layering: imports ``protocol`` and ``faults.options`` only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from mock_provider.protocol.errors import OAuthError

from .options import Option, Problem, options_of, value_problems
from .options import option as _option

__all__ = ["ENDPOINTS", "FAULT_OPTIONS", "MALFORMED", "Fault", "fault_problems"]

ENDPOINTS = (
    "token",
    "revoke",
    "introspect",
    "me",
    "metadata",
    "jwks",
    "openid_configuration",
    "resource_metadata",
    "authorize",
)
MALFORMED = ("invalid_json", "truncated_json", "html", "empty", "error_in_200")


def _endpoint(value: Any) -> str | None:
    if not value or not isinstance(value, str):
        return f"endpoint must be one of {', '.join(ENDPOINTS)} or a resource name"
    return None


def _count(name: str) -> Any:
    def check(value: Any) -> str | None:
        if value is not None and (isinstance(value, bool) or value < 1):
            return f"{name} must be a whole number >= 1 or None, got {value!r}"
        return None

    return check


def _status(value: Any) -> str | None:
    if value is not None and not 100 <= value <= 599:
        return f"status must be an HTTP status 100-599, got {value!r}"
    return None


def _error(value: Any) -> str | None:
    if value is None:
        return None
    try:
        OAuthError(value)
    except ValueError as exc:  # the code is outside the RFC 6749 §5.2 alphabet
        return str(exc)
    return None


def _malformed(value: Any) -> str | None:
    if value is not None and value not in MALFORMED:
        return f"malformed must be one of {', '.join(MALFORMED)}"
    return None


def _delay(value: Any) -> str | None:
    if not value >= 0 or value == float("inf"):
        return f"delay must be a finite number of seconds >= 0, got {value!r}"
    return None


_REPLACING = ("status", "error", "body", "malformed", "retry_after")


@dataclass(eq=False)
class Fault:
    """One scripted failure; see :meth:`mock_provider.MockProvider.add_fault`.

    Attributes:
        fired: how many times it fired so far.
        seen: how many matching requests it saw (drives ``every``).
        id: its number in the provider's queue (1, 2, ...), set when it is queued.
    """

    endpoint: str = _option(
        json=("string",),
        doc="token, revoke, introspect, me, metadata, jwks or a resource",
        check=_endpoint,
    )
    times: int | None = _option(
        1, json=("integer", "null"), doc="how many times it fires (null: until cleared)",
        check=_count("times"),
    )  # fmt: skip
    client_id: str | None = _option(
        None, json=("string", "null"), doc="only requests from this client"
    )
    status: int | None = _option(
        None, json=("integer",), doc="HTTP status to answer", check=_status
    )
    error: str | None = _option(
        None,
        json=("string",),
        doc="OAuth error code to answer (RFC 6749 §5.2, RFC 6750 §3.1)",
        check=_error,
    )
    error_description: str | None = _option(
        None, json=("string",), doc="error_description of that error"
    )
    headers: Mapping[str, str] = _option(
        json=("object",), doc="response headers to add", factory=dict
    )
    body: str | bytes | dict[str, Any] | None = _option(  # noqa: RUF009 - a field(), not a call
        None, json=("string", "object"), doc="body to answer (an object is sent as JSON)"
    )
    content_type: str | None = _option(None, json=("string",), doc="Content-Type of the answer")
    retry_after: int | str | None = _option(
        None, json=("integer", "string"), doc="Retry-After: seconds or an HTTP date"
    )
    delay: float = _option(
        0.0,
        json=("number",),
        doc="seconds to wait before answering (a hang if large)",
        check=_delay,
    )
    drop: bool = _option(
        False, json=("boolean",), doc="drop (reset) the connection without answering"
    )
    malformed: str | None = _option(
        None,
        json=("string",),
        doc="invalid_json, truncated_json, html, empty or error_in_200",
        check=_malformed,
    )
    every: int | None = _option(
        None, json=("integer", "null"), doc="fire on every Nth matching request only",
        check=_count("every"),
    )  # fmt: skip
    fired: int = field(default=0, init=False)
    seen: int = field(default=0, init=False)
    id: int = field(default=0, init=False)

    def __post_init__(self) -> None:
        problems = fault_problems(self._values())
        if problems:
            raise ValueError("invalid fault: " + "; ".join(message for _, message in problems))
        self.headers = dict(self.headers)

    def _values(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in FAULT_OPTIONS}

    @property
    def replaces_answer(self) -> bool:
        """Whether the fault answers itself instead of passing through to the endpoint."""
        return any(getattr(self, name) is not None for name in _REPLACING)

    @property
    def exhausted(self) -> bool:
        """Whether it fired as many times as it was asked to."""
        return self.times is not None and self.fired >= self.times

    def options(self) -> dict[str, Any]:
        """The options it was created with (JSON-ready unless ``body`` is bytes)."""
        out: dict[str, Any] = {"endpoint": self.endpoint, "times": self.times}
        for name in _FIELD_ORDER:
            value = getattr(self, name)
            if name not in out and value not in (None, 0.0, False, {}):
                out[name] = value
        return out

    def fresh(self) -> Fault:
        """A copy that has not fired yet (used to re-arm a scenario on reset)."""
        return Fault(**self.options())

    def to_json(self) -> dict[str, Any]:
        """Its options plus ``id``, ``fired`` and ``seen``, for the control API."""
        out = self.options()
        if isinstance(out.get("body"), bytes):
            out["body"] = out["body"].decode("utf-8", "replace")
        return {"id": self.id, **out, "fired": self.fired, "seen": self.seen}

    def __str__(self) -> str:
        shown = ", ".join(
            f"{k}={v!r}" for k, v in self.options().items() if k not in {"endpoint", "body"}
        )
        return f"{self.endpoint} fault #{self.id} ({shown}) fired {self.fired} time(s)"


def _listed(options: dict[str, Option]) -> dict[str, Option]:
    # Listed with ``every`` next to ``times``, which it qualifies; the fields keep the
    # historical order, which is the order a fault's str() shows its options in.
    first = ("endpoint", "times", "every")
    return {name: options[name] for name in (*first, *(n for n in options if n not in first))}


#: The options of a fault, in the order every surface lists them.
FAULT_OPTIONS = _listed(options_of(Fault))


_FIELD_ORDER = tuple(options_of(Fault))


def fault_problems(values: Mapping[str, Any]) -> list[Problem]:
    """Every problem of fault options ``values`` (already of the right JSON types), as
    ``(option, message)`` pairs: each option's own check, then the combinations."""
    problems = value_problems(values, FAULT_OPTIONS)
    replaces = any(values.get(name) is not None for name in _REPLACING)
    if values.get("drop") and (replaces or values.get("headers")):
        problems.append(
            ("drop", "drop=True sends no answer, so it takes no status, body or headers")
        )
    return problems
