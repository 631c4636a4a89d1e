"""The provider's request log: what each request carried, with every secret redacted.

A recorded request keeps what tests and developers need to see (endpoint, method, path,
headers, form fields, the client it authenticated as, the status) and never a client secret
or a token (see :mod:`mock_provider.protocol.redaction`).

Memory is bounded, for a provider left serving for hours: the log is a ring of the latest
:data:`DEFAULT_MAX_REQUESTS` requests (configurable), counting those it dropped, and a value
over :data:`MAX_VALUE` characters is kept as its start and a ``…[truncated N chars]`` marker.

Recording may be lazy: the request handler appends the raw facts of an exchange
(:mod:`.exchange`) and the redacted, truncated :class:`RecordedRequest` is built from them the
first time the log is read. Every reading surface goes through :attr:`RequestLog.entries`, so
each shows exactly what eager recording showed.

Layering: imports ``protocol`` only.
"""

from __future__ import annotations

import dataclasses
import threading
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from mock_provider.protocol.redaction import fingerprint

__all__ = [
    "CONTROL_FILTERS",
    "DEFAULT_MAX_REQUESTS",
    "MAX_VALUE",
    "Pending",
    "RecordedRequest",
    "RequestLog",
    "describe",
    "select",
]

#: How many requests a provider's log keeps by default (the oldest are dropped beyond).
DEFAULT_MAX_REQUESTS = 10_000
#: The longest value (path, header, query or form value) a record keeps whole (1 KiB).
MAX_VALUE = 1024


@dataclass(frozen=True)
class RecordedRequest:
    """One request the provider received, redacted.

    Attributes:
        time: the provider clock when the request arrived.
        endpoint: ``token``, ``revoke``, ``introspect``, ``me`` (or another protected
            resource's name), ``metadata``, ``jwks``, or ``None`` when no endpoint
            matched. Control API requests (``/_mock/``) are not recorded: they script the
            provider, they are not what the client under test sent.
        method, path: as received.
        query, headers, form: redacted (see :func:`redact_headers`, :func:`redact_form`).
        client_id: the client the request authenticated as, or presented, if any.
        auth_method: ``client_secret_basic``, ``client_secret_post`` or ``None``.
        token: the fingerprint of the bearer or ``token`` parameter it carried, if any.
        status: the status the provider answered with; 0 when a fault dropped the
            connection without answering.
        error: the OAuth ``error`` code of a refusal, if any.
        fault: the id of the scripted fault that shaped the answer, if any.
    """

    time: float
    endpoint: str | None
    method: str
    path: str
    status: int
    query: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    form: dict[str, str] = field(default_factory=dict)
    client_id: str | None = None
    auth_method: str | None = None
    token: str | None = None
    error: str | None = None
    fault: int | None = None

    @property
    def scopes(self) -> tuple[str, ...]:
        """The scopes the request asked for (its ``scope`` form field, split)."""
        return tuple(self.form.get("scope", "").split())

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict of every attribute (all already redacted)."""
        return {
            "time": self.time,
            "endpoint": self.endpoint,
            "method": self.method,
            "path": self.path,
            "status": self.status,
            "query": self.query,
            "headers": self.headers,
            "form": self.form,
            "client_id": self.client_id,
            "auth_method": self.auth_method,
            "token": self.token,
            "error": self.error,
            "fault": self.fault,
        }

    def __str__(self) -> str:
        who = f" client_id={self.client_id}" if self.client_id else ""
        err = f" error={self.error}" if self.error else ""
        fault = f" fault=#{self.fault}" if self.fault is not None else ""
        status = "dropped" if self.status == 0 else str(self.status)
        return f"{self.method} {self.path} -> {status} [{self.endpoint}]{who}{err}{fault}"


_FILTERS = ("endpoint", "client_id", "scope", "status", "method", "auth_method", "token", "error")


def select(requests: Iterable[RecordedRequest], **filters: Any) -> list[RecordedRequest]:
    """The requests matching every filter: an attribute value, or ``scope`` (one asked-for
    scope) or ``token`` (a raw token, compared by fingerprint).

    Raises:
        TypeError: for an unknown filter name (the message lists the valid ones).
    """
    unknown = sorted(set(filters) - set(_FILTERS))
    if unknown:
        raise TypeError(
            f"unknown request filter(s) {', '.join(unknown)}; valid filters: {', '.join(_FILTERS)}"
        )
    wanted = dict(filters)
    scope = wanted.pop("scope", None)
    if wanted.get("token") is not None:
        wanted["token"] = fingerprint(wanted["token"])
    return [
        r
        for r in requests
        if all(getattr(r, name) == value for name, value in wanted.items())
        and (scope is None or scope in r.scopes)
    ]


def describe(requests: Iterable[RecordedRequest]) -> str:
    """The requests one per line (their redacted ``__str__``), or ``(none)``."""
    lines = [f"  {r}" for r in requests]
    return "\n".join(lines) if lines else "  (none)"


# Query filters of GET /_mock/requests (a raw token is never sent over the control API).
CONTROL_FILTERS = tuple(name for name in _FILTERS if name != "token")


def _cut(value: str) -> str:
    if len(value) <= MAX_VALUE:
        return value
    return f"{value[:MAX_VALUE]}…[truncated {len(value) - MAX_VALUE} chars]"


def _cut_all(values: dict[str, str]) -> dict[str, str]:
    return {_cut(k): _cut(v) for k, v in values.items()}


def _short(values: dict[str, str]) -> bool:
    return not values or (
        max(map(len, values)) <= MAX_VALUE and max(map(len, values.values())) <= MAX_VALUE
    )


def bounded(entry: RecordedRequest) -> RecordedRequest:
    """``entry`` with every value over :data:`MAX_VALUE` characters truncated (marked)."""
    if len(entry.path) <= MAX_VALUE and all(map(_short, (entry.query, entry.headers, entry.form))):
        return entry
    return dataclasses.replace(
        entry,
        path=_cut(entry.path),
        query=_cut_all(entry.query),
        headers=_cut_all(entry.headers),
        form=_cut_all(entry.form),
    )


class Pending(Protocol):
    """A request recorded raw (:class:`~mock_provider.state.exchange.Exchange`): its
    redacted record is built when the log is read."""

    def record(self) -> RecordedRequest:
        """The redacted, truncated record."""
        ...


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
        self._entries: deque[RecordedRequest | Pending] = deque(maxlen=_check_bound(max_requests))
        self._dropped = 0
        self._raw = 0  # how many entries may still be raw exchanges

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

    def append_pending(self, pending: Pending) -> None:
        """Record one request whose record is built when the log is next read (the caller
        keeps only small requests raw), dropping the oldest when full."""
        with self._lock:  # what append does, for the request path's own entry kind
            entries = self._entries
            if len(entries) == entries.maxlen:
                self._dropped += 1
            entries.append(pending)
            self._raw += 1

    def _settle(self) -> None:
        # Called with the lock held: every raw exchange becomes its record, in place.
        if self._raw:
            entries = self._entries
            self._entries = deque(
                (e if isinstance(e, RecordedRequest) else e.record() for e in entries),
                maxlen=entries.maxlen,
            )
            self._raw = 0

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
        return count

    def find(self, **filters: Any) -> list[RecordedRequest]:
        """Recorded requests matching ``filters`` (see :func:`select`), oldest first."""
        return select(self.entries, **filters)

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
