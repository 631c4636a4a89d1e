"""The provider's request log: a bounded ring of redacted records, and the questions tests
ask of it.

Memory is bounded, for a provider left serving for hours: the log is a ring of the latest
:data:`DEFAULT_MAX_REQUESTS` requests (configurable), counting those it dropped; each record
truncates long values (:mod:`.recorded`).

Recording is lazy: the request handler appends the raw facts of an exchange (:mod:`.exchange`)
and the redacted, truncated :class:`RecordedRequest` is built from them the first time the
log is read. Every reading surface goes through :attr:`RequestLog.entries`, so each shows
exactly what eager recording showed.

Layering: imports ``protocol``, ``state.recorded`` and ``state.exchange`` only.
"""

from __future__ import annotations

import threading
from collections import deque
from typing import Any

from mock_provider.protocol.redaction import fingerprint

from .exchange import Exchange, is_small, record_of, redacted
from .recorded import (
    CONTROL_FILTERS,
    FILTERS,
    MAX_VALUE,
    RecordedRequest,
    bounded,
    describe,
    select,
)

__all__ = [
    "CONTROL_FILTERS",
    "DEFAULT_MAX_REQUESTS",
    "MAX_VALUE",
    "RecordedRequest",
    "RequestLog",
    "describe",
    "select",
]

#: How many requests a provider's log keeps by default (the oldest are dropped beyond).
DEFAULT_MAX_REQUESTS = 10_000


def _check_bound(max_requests: int) -> int:
    if isinstance(max_requests, bool) or not isinstance(max_requests, int) or max_requests < 1:
        raise ValueError(f"max_requests must be a whole number >= 1, got {max_requests!r}")
    return max_requests


class RequestLog:
    """The latest recorded requests of a provider (at most :attr:`max_requests`), oldest
    first, and the questions tests ask of them; every assertion message lists the requests
    actually received. Thread-safe.

    Raises:
        ValueError: for a ``max_requests`` below 1.
    """

    def __init__(self, max_requests: int = DEFAULT_MAX_REQUESTS) -> None:
        self._lock = threading.Lock()
        self._entries: deque[RecordedRequest | Exchange] = deque(maxlen=_check_bound(max_requests))
        self._dropped = 0
        self._raw = 0  # how many entries may still be raw exchanges
        # Every endpoint name and status recorded since the last clear (a superset of those
        # kept: the ring drops entries), so find() answers "none" for a value never seen
        # without reading an entry: the plugin's check after each test asks for unmatched
        # requests (endpoint None) and provider failures (status 500), mostly in vain.
        self._endpoints: set[str | None] = set()
        self._statuses: set[int] = set()

    @property
    def max_requests(self) -> int:
        """How many requests the log keeps; older ones are dropped (and counted)."""
        return self._entries.maxlen or DEFAULT_MAX_REQUESTS

    @max_requests.setter
    def max_requests(self, max_requests: int) -> None:
        if _check_bound(max_requests) == self._entries.maxlen:
            return  # what every provider's set-up asks for: the default bound again
        with self._lock:
            self._settle()
            kept = deque(self._entries, maxlen=max_requests)
            self._dropped += len(self._entries) - len(kept)
            self._entries = kept

    @property
    def endpoints_seen(self) -> set[str | None]:
        """Every endpoint name a request had since the last clear (``None``: it matched
        none), whether or not the log still keeps it. Not a copy: not to be modified."""
        return self._endpoints

    @property
    def statuses_seen(self) -> set[int]:
        """Every status answered since the last clear, whether or not the log still keeps
        the request. Not a copy: not to be modified."""
        return self._statuses

    @property
    def dropped(self) -> int:
        """How many requests were dropped from the log since it was last cleared."""
        return self._dropped

    def append(self, entry: RecordedRequest) -> None:
        """Record one request (long values truncated), dropping the oldest when full."""
        entry = bounded(entry)
        with self._lock:
            entries = self._entries
            if len(entries) == entries.maxlen:
                self._dropped += 1
            entries.append(entry)
            self._endpoints.add(entry.endpoint)
            self._statuses.add(entry.status)

    def append_exchange(self, exchange: Exchange) -> None:
        """Record one exchange, dropping the oldest when full: kept raw until the log is
        read, or recorded at once when it is too large to keep raw."""
        if not is_small(exchange):
            self.append(redacted(exchange))
            return
        with self._lock:  # what append does, for the request path's own entry kind
            entries = self._entries
            if len(entries) == entries.maxlen:
                self._dropped += 1
            entries.append(exchange)
            self._raw += 1
            self._endpoints.add(exchange[1])
            self._statuses.add(exchange[4])

    def _settle(self, raw: list[tuple[int, Any]] | None = None) -> None:
        # Called with the lock held: every raw exchange (or those matching the ``raw``
        # filters) becomes its record, in place.
        if self._raw:
            entries = self._entries
            self._entries = deque(
                (
                    record_of(e) if type(e) is tuple and (raw is None or _matches(e, raw)) else e
                    for e in entries
                ),
                maxlen=entries.maxlen,
            )
            self._raw = 0 if raw is None else sum(type(e) is tuple for e in self._entries)

    @property
    def entries(self) -> list[RecordedRequest]:
        """Every request kept, oldest first."""
        with self._lock:
            self._settle()
            return list(self._entries)  # type: ignore[arg-type]  # settled: records only

    def clear(self) -> int:
        """Forget the recorded requests (and the dropped count); return how many were kept."""
        with self._lock:
            count = len(self._entries)
            self._entries.clear()
            self._dropped = 0
            self._raw = 0
            self._endpoints = set()
            self._statuses = set()
        return count

    def find(self, **filters: Any) -> list[RecordedRequest]:
        """Recorded requests matching ``filters`` (see :func:`select`), oldest first.

        A filter a raw exchange answers as its record would (:data:`_RAW_FIELDS`) is tried on
        the exchange first, so only the exchanges that can match become records: the
        plugin's check after each test (is any request unmatched, or a provider failure?)
        builds none when there is none.
        """
        if not FILTERS.issuperset(filters):
            select((), **filters)  # an unknown filter name raises before any work
        if self._never_seen(filters):
            return []
        raw = [(_RAW_FIELDS[name], value) for name, value in filters.items() if name in _RAW_FIELDS]
        with self._lock:
            if not raw:
                self._settle()
            elif self._raw:
                matched, records = _scan(self._entries, raw)
                if not matched and not records:
                    return []  # the plugin's checks after a test, mostly
                if matched:
                    self._settle(raw)
            # Raw exchanges left now match no raw filter, so neither would their records.
            kept = [e for e in self._entries if type(e) is not tuple]
        if not kept:  # no record to select from
            return []
        return select(kept, **filters)  # type: ignore[arg-type]  # records only

    def _never_seen(self, filters: dict[str, Any]) -> bool:
        # An endpoint or status no request since the last clear had: nothing can match.
        try:
            return ("endpoint" in filters and filters["endpoint"] not in self._endpoints) or (
                "status" in filters and filters["status"] not in self._statuses
            )
        except TypeError:  # an unhashable filter value: select() compares it
            return False

    def last_token_request(self) -> RecordedRequest:
        """The latest token request.

        Raises:
            AssertionError: when no token request was received (lists what was).
        """
        entries = self.entries
        token_requests = select(entries, endpoint="token")
        if not token_requests:
            raise AssertionError(
                "no token request was received; requests received:\n" + describe(entries)
            )
        return token_requests[-1]

    def assert_count(self, count: int, **filters: Any) -> list[RecordedRequest]:
        """Assert that exactly ``count`` recorded requests match ``filters``; return them.

        Raises:
            AssertionError: otherwise, listing every request received.
        """
        __tracebackhide__ = True
        entries = self.entries
        matched = select(entries, **filters)
        if len(matched) != count:
            shown = ", ".join(
                f"{k}={fingerprint(v) if k == 'token' else v!r}" for k, v in filters.items()
            )
            raise AssertionError(
                f"expected {count} request(s) matching {shown or 'anything'} but "
                f"{len(matched)} matched; requests received:\n{describe(entries)}"
            )
        return matched


# Filters whose value a raw exchange holds exactly as its record will (never redacted or
# truncated), by position in :data:`~.exchange.Exchange`.
_RAW_FIELDS = {
    "endpoint": 1,
    "method": 2,
    "status": 4,
    "client_id": 8,
    "auth_method": 9,
    "error": 11,
}


def _matches(exchange: Exchange, raw: list[tuple[int, Any]]) -> bool:
    for index, value in raw:  # noqa: SIM110 - a loop makes no generator per exchange
        if exchange[index] != value:
            return False
    return True


def _scan(
    entries: deque[RecordedRequest | Exchange], raw: list[tuple[int, Any]]
) -> tuple[bool, bool]:
    """Whether a raw exchange matches the raw filters, and whether any entry is a record."""
    matched = records = False
    for entry in entries:
        if type(entry) is not tuple:
            records = True
        elif not matched and _matches(entry, raw):
            matched = True
        if matched and records:
            break
    return matched, records
