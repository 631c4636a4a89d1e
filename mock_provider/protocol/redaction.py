"""Redaction: what a request log, a report or a message may show of a request.

Secrets become ``<redacted>``; tokens a short fingerprint (``fp:1a2b3c4d``) that
:func:`fingerprint` reproduces from a token a test holds, so requests can be correlated
without the token ever being written down.

Layering: pure; imports only the standard library.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from urllib.parse import parse_qsl

__all__ = [
    "REDACTED",
    "SECRET_FIELDS",
    "TOKEN_FIELDS",
    "fingerprint",
    "redact_form",
    "redact_headers",
    "redact_query",
]

REDACTED = "<redacted>"

# Form and query fields whose value is a credential: never recorded.
SECRET_FIELDS = frozenset({"client_secret", "client_assertion", "password", "code_verifier"})
# Fields whose value is a token: recorded as a fingerprint so requests can be correlated.
TOKEN_FIELDS = frozenset({"token", "access_token", "refresh_token", "assertion", "code"})
_SECRET_HEADERS = frozenset({"cookie", "set-cookie", "proxy-authorization", "x-api-key"})


def fingerprint(value: str) -> str:
    """A short, stable, non-reversible name for a token or secret: ``fp:`` + 8 hex digits."""
    return "fp:" + hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:8]


def _redact_authorization(value: str) -> str:
    scheme, sep, credentials = value.strip().partition(" ")
    if not sep:
        return REDACTED
    if scheme.lower() == "bearer":
        return f"{scheme} {fingerprint(credentials.strip())}"
    return f"{scheme} {REDACTED}"


def redact_headers(
    headers: Iterable[tuple[str, str]], token_headers: Iterable[str] = ()
) -> dict[str, str]:
    """Headers as a dict of lower-case names (repeats joined with ``, ``), credentials redacted.

    A header named in ``token_headers`` (where a resource takes its token: ``X-Auth-Token``)
    or named like one (``*token*``) is recorded as a fingerprint after its prefix.
    """
    tokens = {h.lower() for h in token_headers}
    out: dict[str, str] = {}
    for raw_name, value in headers:
        name = raw_name.lower()
        if name == "authorization":
            shown = _redact_authorization(value)
        elif name in _SECRET_HEADERS:
            shown = REDACTED
        elif name in tokens or "token" in name:
            prefix, _, credentials = value.strip().rpartition(" ")
            shown = f"{prefix} {fingerprint(credentials)}" if prefix else fingerprint(credentials)
        else:
            shown = value
        out[name] = f"{out[name]}, {shown}" if name in out else shown
    return out


def redact_form(form: dict[str, str], token_fields: Iterable[str] = ()) -> dict[str, str]:
    """Form or query fields with secrets redacted and tokens (also ``token_fields``)
    fingerprinted."""
    tokens = TOKEN_FIELDS | set(token_fields)
    return {
        name: (
            REDACTED if name in SECRET_FIELDS else fingerprint(value) if name in tokens else value
        )
        for name, value in form.items()
    }


def redact_query(query: str, token_fields: Iterable[str] = ()) -> dict[str, str]:
    """The query string as a redacted dict (last value wins for repeated names)."""
    return redact_form(dict(parse_qsl(query, keep_blank_values=True)), token_fields)
