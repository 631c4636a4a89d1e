"""The provider's clock: one per provider, advanced by tests instead of slept through.

Every time the provider reads (``iat``, ``exp``, ``expires_in``, expiry checks, recording
timestamps) comes from one clock object, so advancing it moves the whole provider at once.

Layering: imports only the standard library.
"""

from __future__ import annotations

import threading
import time
from typing import Protocol, runtime_checkable

__all__ = ["Clock", "ManualClock", "SystemClock"]


@runtime_checkable
class Clock(Protocol):
    """Anything with ``time()`` returning seconds since the epoch as a float."""

    def time(self) -> float: ...


class ManualClock:
    """A clock that moves only when told to: ``advance(seconds)`` or ``set(timestamp)``.

    Args:
        start: the initial time in seconds since the epoch. Defaults to the current wall
            time truncated to a whole second, so issued tokens look plausible to clients
            that compare ``exp`` with their own clock; pass a value for full determinism.

    The clock never goes backwards: ``advance`` refuses negative steps and ``set`` refuses
    earlier times, because the reference client measures lifetimes on it as a monotonic
    clock.
    """

    __slots__ = ("_lock", "_now")

    def __init__(self, start: float | None = None) -> None:
        self._now = float(int(time.time()) if start is None else start)
        self._lock = threading.Lock()

    def time(self) -> float:
        """Return the current time of this clock in seconds since the epoch."""
        return self._now

    def monotonic(self) -> float:
        """Same as :meth:`time`: a manual clock is monotonic by construction."""
        return self._now

    def advance(self, seconds: float) -> float:
        """Move the clock forward by ``seconds`` and return the new time.

        Raises:
            ValueError: if ``seconds`` is negative or not a finite number.
        """
        seconds = float(seconds)
        if not seconds >= 0 or seconds == float("inf"):
            raise ValueError(f"a clock only moves forward: advance() got seconds={seconds!r}")
        with self._lock:
            self._now += seconds
            return self._now

    def set(self, timestamp: float) -> None:
        """Jump to ``timestamp`` (seconds since the epoch), which must not be in the past.

        Raises:
            ValueError: if ``timestamp`` is earlier than the current time.
        """
        timestamp = float(timestamp)
        with self._lock:
            if not timestamp >= self._now:
                raise ValueError(
                    f"a clock only moves forward: set() got {timestamp!r}, now is {self._now!r}"
                )
            self._now = timestamp

    def __repr__(self) -> str:
        return f"ManualClock({self._now!r})"


class SystemClock:
    """The wall clock plus an offset, for a provider serving real applications.

    ``advance(seconds)`` shifts this clock ahead of the machine's, which is how a standalone
    provider (``oauthcc serve``) simulates clock skew or makes tokens expire early.
    """

    __slots__ = ("_lock", "offset")

    def __init__(self, offset: float = 0.0) -> None:
        self.offset = float(offset)
        self._lock = threading.Lock()

    def time(self) -> float:
        """Return the wall time plus the offset."""
        return time.time() + self.offset

    def advance(self, seconds: float) -> float:
        """Shift this clock ``seconds`` ahead (a negative value moves it back) and return it."""
        with self._lock:
            self.offset += float(seconds)
        return self.time()

    def __repr__(self) -> str:
        return f"SystemClock(offset={self.offset!r})"
