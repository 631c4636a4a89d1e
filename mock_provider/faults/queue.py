"""The fault queue, and the one way a scripted delay is waited out.

Faults are consumed in the order they were added, so a test that queues "503, 503, then
OK" sees exactly that. A delayed answer is a :class:`FaultResponse` carrying the queue of
the provider that answered; the socket server and every in-process transport (httpx, httpx2,
requests, aiohttp) wait it out with :meth:`FaultResponse.wait` (a thread) or
:meth:`FaultResponse.wait_async` (an event loop), and :meth:`FaultQueue.clear` cuts every
such wait short: also one that has not started yet, because the response holds the event
that was current *before* its fault fired (a clear between the firing and the wait would
otherwise have nothing to wake, and the wait would run its whole delay).

Layering: imports ``protocol`` and ``faults.fault`` only.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from mock_provider.protocol.http import Response

from .fault import Fault

__all__ = ["ConnectionDropped", "FaultQueue", "FaultResponse", "carry_out"]


class ConnectionDropped(ConnectionResetError):
    """Raised where a scripted fault drops the connection (the socket server resets it)."""


class FaultQueue:
    """The provider's queued faults, consumed in order per endpoint. Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: list[Fault] = []
        self._fired: list[Fault] = []
        # Made when first taken (most providers never script a delay, and a clear with
        # nobody holding the event has nothing to wake).
        self._wake: threading.Event | None = None
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
            wake, self._wake = self._wake, None
        if wake is not None:
            wake.set()

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

    def waker(self) -> threading.Event:
        """The event the next :meth:`clear` sets; take it before :meth:`take`, so that a
        clear at any moment after the fault fired cuts its wait short."""
        # No lock once made: reading the attribute is atomic, and clear() swaps it under the
        # lock *before* emptying the queue, so an event read before a clear is the one it
        # sets; one made after a clear is waiting for the next one.
        wake = self._wake
        if wake is None:
            with self._lock:
                if self._wake is None:
                    self._wake = threading.Event()
                wake = self._wake
        return wake

    def wait(self, seconds: float, waker: threading.Event | None = None) -> bool:
        """Block this thread ``seconds``, or until :meth:`clear`; return whether cleared.

        ``waker`` is an event from :meth:`waker` taken earlier (default: the current one).
        """
        if seconds <= 0:
            return False
        return (waker or self.waker()).wait(seconds)

    async def wait_async(self, seconds: float, waker: threading.Event | None = None) -> bool:
        """:meth:`wait` for an event loop (asyncio or trio): the blocking wait runs in a
        worker thread, so the loop stays free and nothing polls."""
        if seconds <= 0:
            return False
        import anyio.to_thread

        wake = waker or self.waker()  # taken now at the latest: a later clear() wakes it
        return await anyio.to_thread.run_sync(wake.wait, seconds, abandon_on_cancel=True)

    def __len__(self) -> int:
        with self._lock:
            return len(self._pending)

    def __bool__(self) -> bool:
        # No lock: every request asks, and the length of a list is read atomically; a fault
        # queued while a request is being answered applies from the next one, as with it.
        return bool(self._pending)

    def __repr__(self) -> str:
        return f"FaultQueue(pending={len(self)})"


@dataclass
class FaultResponse(Response):
    """A response shaped by a fault: wait ``delay`` seconds first, or ``drop`` the connection.

    ``queue`` is the fault queue of the provider that answered: clearing its faults cuts the
    delay short, even when a socket server has moved on to another provider meanwhile.
    ``waker`` is that queue's :meth:`~FaultQueue.waker` taken before the fault fired.
    """

    delay: float = 0.0
    drop: bool = False
    queue: FaultQueue = field(default_factory=FaultQueue, repr=False, compare=False)
    waker: threading.Event | None = field(default=None, repr=False, compare=False)

    def wait(self, seconds: float) -> bool:
        """Wait ``seconds`` in this thread, cut short by a clear of the queue since the
        fault fired; return whether it was cut short."""
        return self.queue.wait(seconds, self.waker)

    async def wait_async(self, seconds: float) -> bool:
        """:meth:`wait` without blocking the event loop."""
        return await self.queue.wait_async(seconds, self.waker)

    def wait_for(self, limit: float | None) -> tuple[float, bool]:
        """How long to wait given a read timeout ``limit``, and whether that times out."""
        too_long = limit is not None and self.delay > limit
        return (limit if too_long and limit is not None else self.delay), too_long


def carry_out(response: Response) -> None:
    """Carry out a fault's delay and drop in the calling thread (a server's request thread).

    Raises:
        ConnectionDropped: for ``drop=True``; the socket server resets the connection.
    """
    if isinstance(response, FaultResponse):
        response.wait(response.delay)
        if response.drop:
            raise ConnectionDropped("a scripted fault dropped the connection")
