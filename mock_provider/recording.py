"""The provider's request log: what each request carried, with every secret redacted.

A recorded request keeps what tests and developers need to see (endpoint, method, path,
headers, form fields, the client it authenticated as, the status) and never a client secret
or a token: secrets become ``<redacted>``, tokens a short fingerprint (``fp:1a2b3c4d``) that
:func:`fingerprint` reproduces from a token a test holds.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import parse_qsl

__all__ = [
    "RecordedRequest",
    "RecordingHelpers",
    "fingerprint",
    "redact_form",
    "redact_headers",
]

REDACTED = "<redacted>"

# Form and query fields whose value is a credential: never recorded.
SECRET_FIELDS = frozenset({"client_secret", "client_assertion", "password", "code_verifier"})
# Fields whose value is a token: recorded as a fingerprint so requests can be correlated.
TOKEN_FIELDS = frozenset({"token", "access_token", "refresh_token", "assertion", "code"})
_SECRET_HEADERS = frozenset({"cookie", "set-cookie", "proxy-authorization", "x-api-key"})


def fingerprint(token: str) -> str:
    """A short, stable, non-reversible name for a token or secret: ``fp:`` + 8 hex digits."""
    return "fp:" + hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()[:8]


def _redact_authorization(value: str) -> str:
    scheme, sep, credentials = value.strip().partition(" ")
    if not sep:
        return REDACTED
    if scheme.lower() == "bearer":
        return f"{scheme} {fingerprint(credentials.strip())}"
    return f"{scheme} {REDACTED}"


def redact_headers(headers: list[tuple[str, str]]) -> dict[str, str]:
    """Headers as a dict of lower-case names (repeats joined with ``, ``), credentials redacted."""
    out: dict[str, str] = {}
    for raw_name, value in headers:
        name = lname = raw_name.lower()
        if lname == "authorization":
            shown = _redact_authorization(value)
        elif lname in _SECRET_HEADERS:
            shown = REDACTED
        else:
            shown = value
        out[name] = f"{out[name]}, {shown}" if name in out else shown
    return out


def redact_form(form: dict[str, str]) -> dict[str, str]:
    """Form or query fields with secrets redacted and tokens fingerprinted."""
    return {
        name: (
            REDACTED
            if name in SECRET_FIELDS
            else fingerprint(value)
            if name in TOKEN_FIELDS
            else value
        )
        for name, value in form.items()
    }


def redact_query(query: str) -> dict[str, str]:
    """The query string as a redacted dict (last value wins for repeated names)."""
    return redact_form(dict(parse_qsl(query, keep_blank_values=True)))


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


class _HasRequests(Protocol):
    @property
    def requests(self) -> list[RecordedRequest]: ...


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


class RecordingHelpers:
    """Questions tests ask of the request log; a mixin of :class:`~mock_provider.MockProvider`.

    Every message lists the requests actually received, redacted, one per line.
    """

    def find_requests(self: _HasRequests, **filters: Any) -> list[RecordedRequest]:
        """Recorded requests matching ``filters`` (see :func:`select`), oldest first."""
        return select(self.requests, **filters)

    def count_token_requests(
        self: _HasRequests, client_id: str | None = None, scope: str | None = None
    ) -> int:
        """How many token requests arrived, optionally from ``client_id`` / asking ``scope``."""
        filters: dict[str, Any] = {"endpoint": "token"}
        if client_id is not None:
            filters["client_id"] = client_id
        if scope is not None:
            filters["scope"] = scope
        return len(select(self.requests, **filters))

    def last_token_request(self: _HasRequests) -> RecordedRequest:
        """The latest token request: its ``form`` holds the (redacted) parameters and
        ``auth_method`` how the client authenticated.

        Raises:
            AssertionError: when no token request was received (lists what was).
        """
        token_requests = select(self.requests, endpoint="token")
        if not token_requests:
            raise AssertionError(
                "no token request was received; requests received:\n" + describe(self.requests)
            )
        return token_requests[-1]

    def requests_with_token(self: _HasRequests, token: str) -> list[RecordedRequest]:
        """The requests that carried ``token`` (as a bearer or ``token`` parameter)."""
        return select(self.requests, token=token)

    def assert_requests(self: _HasRequests, count: int, **filters: Any) -> list[RecordedRequest]:
        """Assert that exactly ``count`` recorded requests match ``filters``; return them.

        Raises:
            AssertionError: otherwise, listing every request received.
        """
        __tracebackhide__ = True
        matched = select(self.requests, **filters)
        if len(matched) != count:
            shown = ", ".join(
                f"{k}={fingerprint(v) if k == 'token' else v!r}" for k, v in filters.items()
            )
            raise AssertionError(
                f"expected {count} request(s) matching {shown or 'anything'} but "
                f"{len(matched)} matched; requests received:\n{describe(self.requests)}"
            )
        return matched

    def assert_token_requests(
        self: _HasRequests, count: int, **filters: Any
    ) -> list[RecordedRequest]:
        """Assert that exactly ``count`` token requests match ``filters``; return them.

        Raises:
            AssertionError: otherwise, listing every request received.
        """
        __tracebackhide__ = True
        return RecordingHelpers.assert_requests(self, count, endpoint="token", **filters)
