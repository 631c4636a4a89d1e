"""A provider clock the whole process follows: ``clock="process"``.

Third-party clients (Authlib, httpx-auth, requests-oauthlib, MSAL...) judge a token's expiry
by the wall clock they read themselves, so advancing only the provider's clock leaves them
resending a token the provider calls expired. :class:`ProcessClock` is a
:class:`~mock_provider.ManualClock` whose ``advance()`` and ``set()`` also move the process
wall clock (``time.time()``, ``datetime.now()`` and what is built on them) through
time-machine. The wall clock keeps ticking from there, and the monotonic clocks
(``time.monotonic()``, ``time.perf_counter()``), which time-machine never patches, stay real,
so event loops and timeouts keep working.

Starting and stopping are explicit (``start()``/``stop()`` or ``with``), because the owner
(the pytest fixture) stops it at teardown.
"""

from __future__ import annotations

from types import TracebackType
from typing import Any

from mock_provider.protocol.errors import MockProviderError
from mock_provider.state.clock import ManualClock

__all__ = ["ProcessClock", "ProcessClockError"]

_MISSING = (
    'clock="process" moves the process wall clock with time-machine, which is not '
    "installed: pip install 'pytest-oauthcc[clock]' (or time-machine)"
)


class ProcessClockError(MockProviderError):
    """The process clock cannot start: time-machine is missing or another fake clock runs."""


class ProcessClock(ManualClock):
    """A manual clock that, while started, is also the process wall clock.

    Args:
        start: the initial time in seconds since the epoch (as :class:`ManualClock`).

    While started, ``time.time()`` reads this clock's time plus the real seconds elapsed
    since the last ``advance``/``set`` (the wall clock ticks, as time-machine's
    ``tick=True``); the provider itself reads this clock's time exactly, as with a manual
    clock.
    """

    __slots__ = ("_travel", "_traveller")

    def __init__(self, start: float | None = None) -> None:
        super().__init__(start)
        self._travel: Any = None
        self._traveller: Any = None

    @property
    def started(self) -> bool:
        """Whether the process wall clock follows this clock now."""
        return self._travel is not None

    def start(self) -> ProcessClock:
        """Make the process wall clock follow this clock; return it.

        Raises:
            ProcessClockError: if time-machine is not installed, or cannot start (freezegun
                is active).
        """
        if self._travel is not None:
            return self
        try:
            import time_machine
        except ImportError:
            raise ProcessClockError(_MISSING) from None
        travel = time_machine.travel(self.time(), tick=True)
        try:
            self._traveller = travel.start()
        except RuntimeError as exc:  # time-machine refuses to run beside freezegun
            raise ProcessClockError(f'clock="process" cannot start: {exc}') from None
        self._travel = travel
        return self

    def stop(self) -> None:
        """Give the process its real wall clock back (idempotent)."""
        travel, self._travel, self._traveller = self._travel, None, None
        if travel is not None:
            travel.stop()

    def advance(self, seconds: float) -> float:
        """Move this clock, and the process wall clock if started, forward by ``seconds``.

        Raises:
            ValueError: if ``seconds`` is negative or not a finite number.
        """
        before = self.time()
        now = super().advance(seconds)
        self._follow(before, now)
        return now

    def set(self, timestamp: float) -> None:
        """Jump this clock, and the process wall clock if started, to ``timestamp``.

        Raises:
            ValueError: if ``timestamp`` is earlier than the current time.
        """
        before = self.time()
        super().set(timestamp)
        self._follow(before, self.time())

    def _follow(self, before: float, now: float) -> None:
        # Shift rather than move_to: the wall clock keeps the real seconds it ticked since
        # the last step, so it never runs backwards for code that reads it in between.
        if self._traveller is not None and now > before:
            self._traveller.shift(now - before)

    def __enter__(self) -> ProcessClock:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "started" if self.started else "stopped"
        return f"ProcessClock({self.time()!r}, {state})"
