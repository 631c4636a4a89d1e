"""A recorded request: what one request carried, with every secret redacted, and the
questions asked of a list of them.

A record keeps what tests and developers need to see (endpoint, method, path, headers, form
fields, the client it authenticated as, the status) and never a client secret or a token (see
:mod:`mock_provider.protocol.redaction`); a value over :data:`MAX_VALUE` characters is kept
as its start and a ``…[truncated N chars]`` marker.

Layering: imports ``protocol`` only.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from mock_provider.protocol.redaction import fingerprint

__all__ = [
    "CONTROL_FILTERS",
    "FILTERS",
    "MAX_VALUE",
    "RecordedRequest",
    "bounded",
    "describe",
    "select",
]

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
#: The filter names :func:`select` takes (a set, for a membership test before any work).
FILTERS = frozenset(_FILTERS)


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
