"""What an in-process stack makes of a fault's delay and drop, sync and async: one function
each, shared by the httpx2, requests and aiohttp adapters.

Rule: the provider only *describes* a delay or a drop (a
:class:`~mock_provider.faults.queue.FaultResponse`); the layer that owns the connection
carries it out, because only it can wait without blocking other requests. The wait itself is
the provider's one delay mechanism (:meth:`FaultResponse.wait` / ``wait_async``, which the
socket server and the httpx transports use too, and which a clear of the provider's faults
cuts short); these functions add the client's read timeout and name the outcome, so each
adapter only maps it to its stack's own exceptions.
"""

from __future__ import annotations

from typing import Literal

from mock_provider.faults.queue import FaultResponse
from mock_provider.protocol.http import Response

__all__ = ["Outcome", "async_wait_out", "wait_out"]

Outcome = Literal["answer", "timeout", "drop"]


def _outcome(response: FaultResponse, too_long: bool, cleared: bool) -> Outcome:
    # A clear that cut the wait short lets the answer (or the drop) through, even when the
    # delay was longer than the client's timeout: the client did not wait that long.
    if too_long and not cleared:
        return "timeout"
    return "drop" if response.drop else "answer"


def wait_out(response: Response, timeout: float | None) -> Outcome:
    """Wait out ``response``'s scripted delay in this thread, up to the client's read
    ``timeout``; a clear of the provider's faults cuts the wait short.

    Returns ``"timeout"`` when the delay outlasts ``timeout`` (after waiting ``timeout``),
    ``"drop"`` when the connection is to be dropped, else ``"answer"``.
    """
    if not isinstance(response, FaultResponse):
        return "answer"
    seconds, too_long = response.wait_for(timeout)
    return _outcome(response, too_long, response.wait(seconds))


async def async_wait_out(response: Response, timeout: float | None) -> Outcome:
    """:func:`wait_out` for a coroutine: waits without blocking the event loop (asyncio or
    trio), cut short when the provider's faults are cleared."""
    if not isinstance(response, FaultResponse):
        return "answer"
    seconds, too_long = response.wait_for(timeout)
    return _outcome(response, too_long, await response.wait_async(seconds))
