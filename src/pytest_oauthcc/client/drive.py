"""Running the client's one flow under an httpx or httpx2 ``Client`` or ``AsyncClient``.

The client's logic is a plain generator that *yields effects* and does no I/O of its own:
an ``httpx.Request`` to send, a :class:`Sleep` before a retry, a :class:`Wait` on another
caller's token fetch. These drivers carry the effects out, sync or async: inside an httpx
auth flow the requests go back to httpx (so an ``AsyncClient`` never blocks its loop), and
in :meth:`~pytest_oauthcc.ClientCredentials.fetch_token` they go to a client the caller
passed, which also lets network errors reach the flow for retrying.

Layering: part of the reference client: imports httpx, :mod:`pytest_oauthcc.errors`,
:mod:`mock_provider.protocol` and the client's lower modules only; never pytest, the plugin or
the connection format.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable, Callable, Generator
from dataclasses import dataclass
from typing import TypeVar

import httpx

from .single_flight import Flight
from .stacks import stack_of

__all__ = [
    "Effect",
    "Flow",
    "Sleep",
    "Wait",
    "anyio_sleep",
    "auth_async",
    "auth_sync",
    "run_async",
    "run_sync",
]

T = TypeVar("T")


@dataclass(frozen=True)
class Sleep:
    """Wait ``seconds`` before the next attempt (through the injectable sleeper)."""

    seconds: float


@dataclass(frozen=True)
class Wait:
    """Wait until another caller's token fetch finishes."""

    flight: Flight


Effect = httpx.Request | Sleep | Wait
Flow = Generator[Effect, httpx.Response | None, T]


def auth_sync(
    flow: Flow[None],
    *,
    sleep: Callable[[float], None],
    flight_timeout: float,
    stream_request: httpx.Request,
    read_stream: bool,
) -> Generator[httpx.Request, httpx.Response, None]:
    """An httpx ``sync_auth_flow`` running ``flow``. Responses to ``stream_request`` (the
    caller's own) are read only when ``read_stream``, so streamed downloads stay streamed."""
    try:
        effect = next(flow)
        while True:
            reply: httpx.Response | None = None
            if isinstance(effect, Sleep):
                sleep(effect.seconds)
            elif isinstance(effect, Wait):
                effect.flight.wait(flight_timeout)
            else:  # a request (httpx's or httpx2's)
                reply = yield effect
                if effect is not stream_request or read_stream:
                    reply.read()
            effect = flow.send(reply)
    except StopIteration:
        return
    finally:
        flow.close()


async def auth_async(
    flow: Flow[None],
    *,
    sleep: Callable[[float], Awaitable[None]],
    flight_timeout: float,
    stream_request: httpx.Request,
    read_stream: bool,
) -> AsyncGenerator[httpx.Request, httpx.Response]:
    """:func:`auth_sync` for ``httpx.AsyncClient``: sleeps and waits without blocking."""
    try:
        effect = next(flow)
        while True:
            reply: httpx.Response | None = None
            if isinstance(effect, Sleep):
                await sleep(effect.seconds)
            elif isinstance(effect, Wait):
                await effect.flight.wait_async(flight_timeout)
            else:  # a request (httpx's or httpx2's)
                reply = yield effect
                if effect is not stream_request or read_stream:
                    await reply.aread()
            try:
                effect = flow.send(reply)
            except StopIteration:
                return
    finally:
        flow.close()


def run_sync(
    flow: Flow[T], http: httpx.Client, *, sleep: Callable[[float], None], flight_timeout: float
) -> T:
    """Run ``flow`` to completion, sending its requests with ``http`` (no auth)."""
    transport_error = stack_of(http).TransportError
    try:
        effect = next(flow)
        while True:
            if isinstance(effect, Sleep):
                sleep(effect.seconds)
                effect = flow.send(None)
            elif isinstance(effect, Wait):
                effect.flight.wait(flight_timeout)
                effect = flow.send(None)
            else:
                try:
                    response = http.send(effect, auth=None)
                except transport_error as exc:
                    effect = flow.throw(exc)
                    continue
                effect = flow.send(response)
    except StopIteration as done:
        result: T = done.value
        return result
    finally:
        flow.close()


async def run_async(
    flow: Flow[T],
    http: httpx.AsyncClient,
    *,
    sleep: Callable[[float], Awaitable[None]],
    flight_timeout: float,
) -> T:
    """:func:`run_sync` with an ``httpx.AsyncClient``."""
    transport_error = stack_of(http).TransportError
    try:
        effect = next(flow)
        while True:
            if isinstance(effect, Sleep):
                await sleep(effect.seconds)
                effect = flow.send(None)
            elif isinstance(effect, Wait):
                await effect.flight.wait_async(flight_timeout)
                effect = flow.send(None)
            else:
                try:
                    response = await http.send(effect, auth=None)
                except transport_error as exc:
                    effect = flow.throw(exc)
                    continue
                effect = flow.send(response)
    except StopIteration as done:
        result: T = done.value
        return result
    finally:
        flow.close()


async def anyio_sleep(seconds: float) -> None:
    """The default async sleeper: anyio's, so it works under asyncio and trio alike."""
    import anyio

    await anyio.sleep(seconds)
