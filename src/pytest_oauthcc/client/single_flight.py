"""The token store and single flight: one token request however many callers need one;
and each entry's lifetime (:func:`cache_entry`).

Any number of threads or asyncio tasks that find the token missing or due meet here: the
first becomes the leader and fetches; the others wait on the leader's :class:`Flight` and
share its token or its error. The lock guards only dictionary reads and writes, never I/O,
so taking it from the event loop never blocks it for longer than that.

Layering: part of the reference client: imports httpx, :mod:`pytest_oauthcc.errors`,
:mod:`mock_provider.protocol` and the client's lower modules only; never pytest, the plugin or
the connection format.

An entry's expiry is on the client's monotonic clock and anchored at the moment the token
request was *sent*: the provider started the lifetime no earlier, so the client can never
believe a token alive after the provider thinks it dead; renewal comes early, and a sticky
token (the same one re-issued) is kept until it really expires.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Hashable
from dataclasses import dataclass, field

from mock_provider.protocol import fingerprint
from pytest_oauthcc.errors import InvalidTokenResponseError, TokenRequestError

from .token import TokenResponse

__all__ = ["CachedToken", "Flight", "TokenCache", "cache_entry"]


@dataclass
class CachedToken:
    """A token and when to stop using it, on the client's monotonic clock.

    Attributes:
        value: the access token (never shown by ``repr``).
        fingerprint: its short fingerprint, for logs.
        renew_at: from then on a request first renews it.
        expires_at: from then on it is never sent.
    """

    value: str = field(repr=False)
    fingerprint: str
    renew_at: float
    expires_at: float
    scope: tuple[str, ...] | None = None


def clone(error: BaseException) -> BaseException:
    """A copy of ``error`` to raise in one more caller, so callers in many threads do not
    all grow one shared traceback (``copy.copy`` cannot: our errors take keywords)."""
    twin = error.__class__.__new__(error.__class__, *error.args)
    twin.__dict__.update(error.__dict__)
    twin.args = error.args
    twin.__cause__ = error.__cause__
    return twin


class Abandoned(TokenRequestError):
    """The leader stopped before finishing (cancelled, or httpx closed its auth flow after a
    network error); waiters try again rather than fail."""


class Flight:
    """One token fetch in progress, awaited by threads (an Event) and tasks (futures)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._futures: list[tuple[asyncio.AbstractEventLoop, asyncio.Future[None]]] = []
        self.token: CachedToken | None = None
        self.error: BaseException | None = None

    def finish(self, token: CachedToken | None, error: BaseException | None) -> None:
        """Publish the outcome and wake every waiter, in any thread or event loop."""
        with self._lock:
            self.token, self.error = token, error
            self._done.set()
            futures, self._futures = self._futures, []
        for loop, future in futures:
            try:
                loop.call_soon_threadsafe(_resolve, future)
            except RuntimeError:  # that loop is closed: nobody is left waiting on it
                continue

    def outcome(self) -> CachedToken:
        """The shared token, or a copy of the shared error raised in the caller.

        Raises:
            TokenRequestError: (or whatever the leader raised) when the fetch failed.
        """
        if self.error is not None:
            raise clone(self.error)
        assert self.token is not None
        return self.token

    def wait(self, timeout: float) -> None:
        """Block this thread until the flight finishes.

        Raises:
            TokenRequestError: if it did not finish within ``timeout`` seconds.
        """
        if not self._done.wait(timeout):
            raise TokenRequestError(
                f"gave up after {timeout:g}s waiting for another thread's token request; "
                "raise flight_timeout if the token endpoint is this slow"
            )

    async def wait_async(self, timeout: float) -> None:
        """Wait for the flight without blocking the event loop.

        Raises:
            TokenRequestError: if it did not finish within ``timeout`` seconds.
        """
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # not asyncio (trio): poll cheaply instead
            await _poll(self._done, timeout)
            return
        with self._lock:
            if self._done.is_set():
                return
            future: asyncio.Future[None] = loop.create_future()
            self._futures.append((loop, future))
        try:
            await asyncio.wait_for(future, timeout)
        except asyncio.TimeoutError:
            raise TokenRequestError(
                f"gave up after {timeout:g}s waiting for another task's token request; "
                "raise flight_timeout if the token endpoint is this slow"
            ) from None


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


async def _poll(done: threading.Event, timeout: float) -> None:
    import anyio

    with anyio.move_on_after(timeout):
        while not done.is_set():
            await anyio.sleep(0.005)
    if not done.is_set():
        raise TokenRequestError(
            f"gave up after {timeout:g}s waiting for another task's token request; "
            "raise flight_timeout if the token endpoint is this slow"
        )


@dataclass
class _Blocked:
    until: float
    error: BaseException


class TokenCache:
    """Tokens, flights and ``Retry-After`` windows by cache key. Thread-safe; may be shared
    by several clients so that identically configured ones share one token."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tokens: dict[Hashable, CachedToken] = {}
        self._flights: dict[Hashable, Flight] = {}
        self._blocked: dict[Hashable, _Blocked] = {}

    def claim(
        self, key: Hashable, now: float
    ) -> CachedToken | Flight | tuple[Flight, CachedToken | None]:
        """What a caller needing a token does: use a cached token (returned as is), wait on
        a flight (a :class:`Flight`), or lead a new one (``(flight, previous_token)``).

        Raises:
            TokenRequestError: a copy of the last failure while its Retry-After window lasts.
        """
        with self._lock:
            cached = self._tokens.get(key)
            if cached is not None and now < cached.renew_at:
                return cached
            flight = self._flights.get(key)
            if flight is not None:
                # While another caller renews, a due but unexpired token is still good.
                if cached is not None and now < cached.expires_at:
                    return cached
                return flight
            blocked = self._blocked.get(key)
            if blocked is not None:
                if now < blocked.until:
                    raise clone(blocked.error)
                del self._blocked[key]
            flight = self._flights[key] = Flight()
            return flight, cached

    def land(self, key: Hashable, flight: Flight, token: CachedToken) -> None:
        """Store the leader's token and wake the waiters."""
        with self._lock:
            self._tokens[key] = token
            self._flights.pop(key, None)
        flight.finish(token, None)

    def crash(
        self, key: Hashable, flight: Flight, error: BaseException, block_until: float | None
    ) -> None:
        """Share the leader's error with the waiters; cache nothing but a Retry-After window."""
        with self._lock:
            self._flights.pop(key, None)
            if block_until is not None:
                self._blocked[key] = _Blocked(block_until, error)
        flight.finish(None, error)

    def get(self, key: Hashable) -> CachedToken | None:
        """The cached token for ``key``, due or not."""
        with self._lock:
            return self._tokens.get(key)

    def invalidate(self, key: Hashable, value: str | None = None) -> bool:
        """Drop the cached token; with ``value``, only if it is still that token
        (compare-and-invalidate, so N concurrent 401s for one token cause one refetch)."""
        with self._lock:
            cached = self._tokens.get(key)
            if cached is None or (value is not None and cached.value != value):
                return False
            del self._tokens[key]
            self._blocked.pop(key, None)
            return True


logger = logging.getLogger("pytest_oauthcc.client")


def cache_entry(
    parsed: TokenResponse,
    *,
    sent: float,
    sent_wall: float,
    renew_before: float,
    default_expires_in: float,
    previous: CachedToken | None,
) -> CachedToken:
    """The cache entry for a freshly parsed token.

    Args:
        parsed: the token response.
        sent, sent_wall: when the request was sent (monotonic and wall clock).
        renew_before: renew this many seconds before expiry (at most half the lifetime).
        default_expires_in: the lifetime when the response states none.
        previous: the token this one replaces, if any (for the sticky-token guard).

    Raises:
        InvalidTokenResponseError: an ``expires_at`` already in the past.
    """
    if parsed.lifetime is not None:
        lifetime = parsed.lifetime
    elif parsed.expires_at is not None:
        lifetime = parsed.expires_at - sent_wall
        if lifetime <= 0:
            raise InvalidTokenResponseError(
                f"the token response's expires_at is {-lifetime:.0f}s in the past by this "
                "client's clock; check for clock skew or an expires_at in other units"
            )
    else:
        lifetime = default_expires_in
        logger.debug("token response states no lifetime; assuming %ss", lifetime)
    # Short-lived tokens would otherwise be renewed at once (or never be used).
    margin = min(renew_before, lifetime / 2)
    value = parsed.access_token
    token = CachedToken(
        value, fingerprint(value), sent + lifetime - margin, sent + lifetime, parsed.scope
    )
    if previous is not None and previous.value == value:
        # Sticky-token guard: a provider re-issuing the same token near its expiry
        # (shorter lifetime each time) would be asked again and again as the renewal
        # window halves; renewing cannot help until it really expires, so wait for that.
        token.renew_at = token.expires_at
        logger.debug("provider re-issued token %s; using it until expiry", token.fingerprint)
    logger.debug("got token %s, lifetime %.0fs", token.fingerprint, lifetime)
    return token
