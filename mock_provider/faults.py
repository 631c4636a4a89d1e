"""Scripted failures: what a real provider does to its clients on a bad day.

A :class:`Fault` targets one endpoint (optionally one client) and fires once, N times, every
Nth request, or until cleared. Faults wait in a :class:`FaultQueue` and are consumed in the
order they were added, so a test that queues "503, 503, then OK" sees exactly that.

A fault either *replaces* the answer (a status, an OAuth error, a chosen body, a malformed
body, a 429 with ``Retry-After``), or *passes through* to the real endpoint and only adds
headers or a delay; ``drop=True`` answers nothing and closes (on a socket: resets) the
connection. Delays and drops are carried on a :class:`FaultResponse` and carried out by the
transport or server, which is the only layer that can sleep without blocking other requests.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .errors import OAuthError
from .http import Response

if TYPE_CHECKING:
    pass

__all__ = [
    "CONTROL_PREFIX",
    "ENDPOINTS",
    "MALFORMED",
    "ConnectionDropped",
    "Fault",
    "FaultQueue",
    "FaultResponse",
    "connection_fault",
]

# The control API's reserved path prefix (always at the root of the server).
CONTROL_PREFIX = "/_mock/"
ENDPOINTS = ("token", "revoke", "introspect", "me", "metadata", "jwks")
MALFORMED = ("invalid_json", "truncated_json", "html", "empty", "error_in_200")


class ConnectionDropped(ConnectionResetError):
    """Raised by the WSGI adapter so the socket server resets the connection (a fault)."""


@dataclass
class FaultResponse(Response):
    """A response shaped by a fault: wait ``delay`` seconds first, or ``drop`` the connection.

    ``queue`` is the fault queue of the provider that answered: clearing its faults cuts the
    delay short, even when a socket server has moved on to another provider meanwhile.
    """

    delay: float = 0.0
    drop: bool = False
    queue: FaultQueue = field(default_factory=lambda: FaultQueue(), repr=False, compare=False)


@dataclass(eq=False)
class Fault:
    """One scripted failure; see :meth:`mock_provider.MockProvider.add_fault` for the options.

    Attributes:
        fired: how many times it fired so far.
        seen: how many matching requests it saw (drives ``every``).
        id: its number in the provider's queue (1, 2, ...), set when it is queued.
    """

    endpoint: str
    times: int | None = 1
    client_id: str | None = None
    status: int | None = None
    error: str | None = None
    error_description: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    body: str | bytes | dict[str, Any] | None = None
    content_type: str | None = None
    retry_after: int | str | None = None
    delay: float = 0.0
    drop: bool = False
    malformed: str | None = None
    every: int | None = None
    fired: int = 0
    seen: int = 0
    id: int = 0

    def __post_init__(self) -> None:
        problems = []
        if not self.endpoint or not isinstance(self.endpoint, str):
            problems.append(f"endpoint must be one of {', '.join(ENDPOINTS)} or a resource name")
        if self.times is not None and (isinstance(self.times, bool) or self.times < 1):
            problems.append(f"times must be a whole number >= 1 or None, got {self.times!r}")
        if self.every is not None and (isinstance(self.every, bool) or self.every < 1):
            problems.append(f"every must be a whole number >= 1 or None, got {self.every!r}")
        if self.status is not None and not 100 <= self.status <= 599:
            problems.append(f"status must be an HTTP status 100-599, got {self.status!r}")
        if self.malformed is not None and self.malformed not in MALFORMED:
            problems.append(f"malformed must be one of {', '.join(MALFORMED)}")
        if not self.delay >= 0 or self.delay == float("inf"):
            problems.append(f"delay must be a finite number of seconds >= 0, got {self.delay!r}")
        if self.error is not None:
            try:
                OAuthError(self.error)
            except ValueError as exc:
                problems.append(str(exc))
        if self.drop and (self.replaces_answer or self.headers):
            problems.append("drop=True sends no answer, so it takes no status, body or headers")
        if problems:
            raise ValueError("invalid fault: " + "; ".join(problems))
        self.headers = dict(self.headers)

    @property
    def replaces_answer(self) -> bool:
        """Whether the fault answers itself instead of passing through to the endpoint."""
        return any(
            v is not None
            for v in (self.status, self.error, self.body, self.malformed, self.retry_after)
        )

    @property
    def exhausted(self) -> bool:
        """Whether it fired as many times as it was asked to."""
        return self.times is not None and self.fired >= self.times

    def options(self) -> dict[str, Any]:
        """The options it was created with (JSON-ready unless ``body`` is bytes)."""
        out: dict[str, Any] = {"endpoint": self.endpoint, "times": self.times}
        for name in _OPTIONAL:
            value = getattr(self, name)
            if value not in (None, 0.0, False, {}):
                out[name] = value
        return out

    def fresh(self) -> Fault:
        """A copy that has not fired yet (used to re-arm a scenario on reset)."""
        options = self.options()
        return Fault(**options)

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


_OPTIONAL = (
    "client_id",
    "status",
    "error",
    "error_description",
    "headers",
    "body",
    "content_type",
    "retry_after",
    "delay",
    "drop",
    "malformed",
    "every",
)


class FaultQueue:
    """The provider's queued faults, consumed in order per endpoint. Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: list[Fault] = []
        self._fired: list[Fault] = []
        self._wake = threading.Event()
        self.generation = 0
        self._queued = 0

    def add(self, fault: Fault) -> Fault:
        """Queue ``fault`` behind those already waiting and return it."""
        with self._lock:
            self._queued += 1
            fault.id = self._queued
            self._pending.append(fault)
        return fault

    @property
    def pending(self) -> list[Fault]:
        """The faults still waiting to fire (or firing until cleared), in order."""
        with self._lock:
            return list(self._pending)

    @property
    def fired(self) -> list[Fault]:
        """Faults that fired their last time, oldest first."""
        with self._lock:
            return list(self._fired)

    def unfired(self) -> list[Fault]:
        """Queued faults that never fired: usually a test that expected a request it never
        made, so the pytest plugin reports them at teardown."""
        with self._lock:
            return [f for f in self._pending if f.fired == 0]

    def clear(self) -> None:
        """Drop every queued fault and cut short any delay or hang in progress."""
        with self._lock:
            self._pending.clear()
            self._wake.set()
            self._wake = threading.Event()
            self.generation += 1

    def take(self, endpoint: str | None, client_id: str | None) -> Fault | None:
        """The fault that answers the next request to ``endpoint`` from ``client_id``.

        Every matching ``every=N`` fault counts the request; the first due fault in queue
        order fires, and leaves the queue once it fired ``times`` times.
        """
        if endpoint is None:
            return None
        with self._lock:
            matching = [
                f
                for f in self._pending
                if f.endpoint == endpoint and f.client_id in (None, client_id)
            ]
            for fault in matching:
                fault.seen += 1
            for fault in matching:
                if fault.every is None or fault.seen % fault.every == 0:
                    fault.fired += 1
                    if fault.exhausted:
                        self._pending.remove(fault)
                        self._fired.append(fault)
                    return fault
        return None

    def sleep(self, seconds: float) -> None:
        """Wait ``seconds`` in the calling thread, or until :meth:`clear` is called."""
        if seconds > 0:
            self._wake.wait(seconds)

    def __len__(self) -> int:
        with self._lock:
            return len(self._pending)

    def __repr__(self) -> str:
        return f"FaultQueue(pending={len(self)})"


def connection_fault(response: Response) -> None:
    """Carry out a fault's delay and drop in a socket server's (or WSGI app's) request thread.

    Raises:
        ConnectionDropped: for ``drop=True``; the socket server resets the connection.
    """
    if isinstance(response, FaultResponse):
        response.queue.sleep(response.delay)
        if response.drop:
            raise ConnectionDropped("a scripted fault dropped the connection")
