"""The provider's request log: what each request carried, with every secret redacted.

A recorded request keeps what tests and developers need to see (endpoint, method, path,
headers, form fields, the client it authenticated as, the status) and never a client secret
or a token (see :mod:`mock_provider.protocol.redaction`). The log keeps every request
(unbounded today; issue 16 bounds it).

Layering: imports ``protocol`` only.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from mock_provider.protocol.redaction import fingerprint

__all__ = ["CONTROL_FILTERS", "RecordedRequest", "RequestLog", "describe", "select"]


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


class RequestLog:
    """The recorded requests of a provider, oldest first, and the questions tests ask of
    them; every assertion message lists the requests actually received. Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: list[RecordedRequest] = []

    def append(self, entry: RecordedRequest) -> None:
        """Record one request."""
        with self._lock:
            self._entries.append(entry)

    @property
    def entries(self) -> list[RecordedRequest]:
        """Every request received, oldest first."""
        with self._lock:
            return list(self._entries)

    def clear(self) -> int:
        """Forget the recorded requests; return how many there were."""
        with self._lock:
            count = len(self._entries)
            self._entries.clear()
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
