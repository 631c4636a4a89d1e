"""The provider's request log: what each request carried, with every secret redacted.

A recorded request keeps what tests and developers need to see (endpoint, method, path,
headers, form fields, the client it authenticated as, the status) and never a client secret
or a token: secrets become ``<redacted>``, tokens a short fingerprint (``fp:1a2b3c4d``) that
:func:`fingerprint` reproduces from a token a test holds.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

__all__ = ["RecordedRequest", "fingerprint", "redact_form", "redact_headers"]

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
            resource's name), ``metadata``, ``jwks``, ``control``, or ``None`` when no
            endpoint matched.
        method, path: as received.
        query, headers, form: redacted (see :func:`redact_headers`, :func:`redact_form`).
        client_id: the client the request authenticated as, or presented, if any.
        auth_method: ``client_secret_basic``, ``client_secret_post`` or ``None``.
        token: the fingerprint of the bearer or ``token`` parameter it carried, if any.
        status: the status the provider answered with.
        error: the OAuth ``error`` code of a refusal, if any.
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
        }

    def __str__(self) -> str:
        who = f" client_id={self.client_id}" if self.client_id else ""
        err = f" error={self.error}" if self.error else ""
        return f"{self.method} {self.path} -> {self.status} [{self.endpoint}]{who}{err}"
