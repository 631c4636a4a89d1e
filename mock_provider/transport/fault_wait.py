"""How an in-process stack carries out a fault's delay and drop: one function each, sync and
async, shared by the httpx2, requests and aiohttp adapters.

Rule: the provider only *describes* a delay or a drop (a ``FaultResponse``); the layer that
owns the connection carries it out, because only it can wait without blocking other
requests. These two functions are the single place that reads that description, so each
adapter only maps the outcome to its stack's own exceptions.
"""

from __future__ import annotations

from typing import Literal

from mock_provider.faults import FaultResponse
from mock_provider.http import Response

__all__ = ["Outcome", "async_wait_out", "wait_out"]

Outcome = Literal["answer", "timeout", "drop"]
# How often an async wait looks whether the provider's faults were cleared meanwhile.
_POLL_SECONDS = 0.05


def _plan(response: Response, timeout: float | None) -> tuple[float, bool]:
    """Seconds to wait, and whether the client gives up first (a read timeout)."""
    if not isinstance(response, FaultResponse):
        return 0.0, False
    if timeout is not None and response.delay > timeout:
        return timeout, True
    return response.delay, False


def _outcome(response: Response, timed_out: bool) -> Outcome:
    # A clear that cut the wait short lets the answer (or the drop) through, even when the
    # delay was longer than the client's timeout: the client did not wait that long.
    if timed_out:
        return "timeout"
    if isinstance(response, FaultResponse) and response.drop:
        return "drop"
    return "answer"


def wait_out(response: Response, timeout: float | None) -> Outcome:
    """Wait out ``response``'s scripted delay in this thread, up to the client's read
    ``timeout``; a clear of the provider's faults cuts the wait short.

    Returns ``"timeout"`` when the delay outlasts ``timeout`` (after waiting ``timeout``),
    ``"drop"`` when the connection is to be dropped, else ``"answer"``.
    """
    seconds, timed_out = _plan(response, timeout)
    if seconds > 0 and isinstance(response, FaultResponse):
        generation = response.queue.generation
        response.queue.sleep(seconds)
        # FaultQueue.sleep does not say whether it was woken; the clear bumps the generation
        # under its lock right after waking sleepers. The re-layer's one delay mechanism
        # should return that instead.
        timed_out = timed_out and response.queue.generation == generation
    return _outcome(response, timed_out)


async def async_wait_out(response: Response, timeout: float | None) -> Outcome:
    """:func:`wait_out` for a coroutine: sleeps without blocking the event loop (asyncio or
    trio, through anyio), cut short when the provider's faults are cleared."""
    seconds, timed_out = _plan(response, timeout)
    if seconds > 0 and isinstance(response, FaultResponse):
        import anyio

        queue = response.queue
        generation = queue.generation
        while seconds > 0 and queue.generation == generation:
            step = min(seconds, _POLL_SECONDS)
            await anyio.sleep(step)
            seconds -= step
        timed_out = timed_out and queue.generation == generation
    return _outcome(response, timed_out)
