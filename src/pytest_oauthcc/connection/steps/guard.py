"""The connection's own HTTP layer: refuses hosts outside ``allowed_domains`` before
sending, and keeps a redacted record of every exchange (the failure transcripts).

Nothing recorded here holds a secret or a token: forms and headers pass through the
provider's redaction (secrets become ``<redacted>``, tokens a fingerprint) and token
answers keep only their non-credential members.

Layering: imports ``config/``, ``rules/``, the results, the reference client and what
:mod:`mock_provider` exports; never the plugin.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit, urlunsplit

import httpx

from mock_provider.protocol import redact_form, redact_headers, redact_query
from pytest_oauthcc.connection.config.model import PlacementSpec
from pytest_oauthcc.connection.rules.domains import domain_allowed
from pytest_oauthcc.errors import OAuthccError
from pytest_oauthcc.scrub import Scrubber

__all__ = ["DomainRefused", "GuardedTransport", "TranscriptEntry"]

_CREDENTIAL_MEMBERS = frozenset({"access_token", "refresh_token", "id_token"})


class DomainRefused(OAuthccError):
    """A request to a host outside ``allowed_domains`` was refused before it was sent."""


@dataclass(frozen=True)
class TranscriptEntry:
    """One line of a step's transcript: a request the connection sent and its answer, redacted."""

    endpoint: str | None
    method: str
    url: str
    status: int
    query: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    form: dict[str, str] = field(default_factory=dict)
    error: str | None = None
    answer: dict[str, Any] = field(default_factory=dict)
    # The watched request defaults it carried ("query:NAME", "headers:name") -> whether with
    # exactly the configured value: judged on what was sent, never on the redacted record.
    defaults: dict[str, bool] = field(default_factory=dict, repr=False)

    def __str__(self) -> str:
        parts = [f"{self.method} {self.url}"]
        if self.headers.get("authorization"):
            parts.append(f"authorization: {self.headers['authorization']}")
        if self.form:
            parts.append("form: " + "&".join(f"{k}={v}" for k, v in self.form.items()))
        parts.append(f"-> {self.status}")
        if self.error:
            parts.append(self.error)
        return " ".join(parts)


def _describe_error(response: httpx.Response, scrub: Scrubber) -> str | None:
    # Scrubbed before it is shortened: a cut through an echoed secret would leave a piece
    # of it that no longer matches the whole.
    if response.status_code < 400:
        return None
    challenge = response.headers.get("www-authenticate")
    try:
        body = json.loads(response.read())
    except ValueError:
        body = None
    if isinstance(body, dict) and "error" in body:
        text = str(body["error"])
        if body.get("error_description"):
            text += f": {body['error_description']}"
        return scrub(text)[:300]
    return f"www-authenticate: {scrub(challenge)[:200]}" if challenge else None


def _at(answer: dict[str, Any], path: str) -> Any:
    """The value at dotted ``path`` of ``answer``, or ``None``."""
    value: Any = answer
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _without(answer: dict[str, Any], token_path: str) -> dict[str, Any]:
    """A token answer minus its credentials (also at a nested ``token_path``)."""
    out = {k: v for k, v in answer.items() if k not in _CREDENTIAL_MEMBERS}
    *parents, last = token_path.split(".")
    target: Any = out
    for part in parents:
        if not isinstance(target, dict) or not isinstance(target.get(part), dict):
            return out
        target[part] = dict(target[part])
        target = target[part]
    if isinstance(target, dict):
        target.pop(last, None)
    return out


class GuardedTransport(httpx.BaseTransport):
    """Wraps a transport: enforces ``allowed_domains`` and records each exchange.

    Args:
        inner: what actually sends (a real transport, or the mock's in-process one).
        allowed_domains: the config's list (exact hosts, ``*.x`` for subdomains).
        endpoints: rendered URL (without query) -> step name, to label the record.
        token_path: dotted path of the token in token answers (kept out of the record).
        also_allow: exact hosts let through besides ``allowed_domains``.
        placement: where API calls carry the token (redacted in the record).
        defaults: the rendered request defaults to watch (``{"query": {...}, "headers":
            {...}}``); each entry says which of them the request carried, and whether as is.
        scrub: learns every token, refresh token and assertion that passes (the record
            keeps only fingerprints; the scrubber catches a provider echoing one).
    """

    def __init__(
        self,
        inner: httpx.BaseTransport,
        allowed_domains: tuple[str, ...],
        endpoints: Mapping[str, str],
        *,
        token_path: str = "access_token",
        also_allow: tuple[str, ...] = (),
        defaults: Mapping[str, Mapping[str, str]] | None = None,
        placement: PlacementSpec | None = None,
        scrub: Scrubber | None = None,
    ) -> None:
        self.inner = inner
        self.scrub = scrub if scrub is not None else Scrubber()
        # Where API calls carry the token, so a custom header or parameter is never recorded.
        self.token_headers = (
            [placement.token_header] if placement and not placement.token_query else []
        )
        self.token_params = [placement.token_query] if placement and placement.token_query else []
        self.defaults = {
            "query": dict((defaults or {}).get("query", {})),
            "headers": {k.lower(): v for k, v in (defaults or {}).get("headers", {}).items()},
        }
        self.also_allow = frozenset(h.lower() for h in also_allow)
        self.token_path = token_path
        self.allowed_domains = allowed_domains
        self.endpoints = {self._bare(u): name for u, name in endpoints.items()}
        self.entries: list[TranscriptEntry] = []
        self.refresh_token: str | None = None

    @staticmethod
    def _bare(url: str) -> str:
        parts = urlsplit(url)
        return urlunsplit((parts.scheme, parts.netloc.lower(), parts.path, "", ""))

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Refuse a host outside the allowed domains; otherwise send and record."""
        host = request.url.host
        if host.lower() not in self.also_allow and not domain_allowed(host, self.allowed_domains):
            raise DomainRefused(
                f"refused {request.method} to {host}: not in allowed_domains "
                f"({', '.join(self.allowed_domains)})"
            )
        body = request.read()
        form: dict[str, str] = {}
        scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer":
            self.scrub.add_token(credentials.strip())
        if "application/x-www-form-urlencoded" in request.headers.get("content-type", ""):
            sent = dict(parse_qsl(body.decode("utf-8", "replace")))
            for name in ("client_assertion", "assertion", "token", "refresh_token"):
                self.scrub.add_token(sent.get(name))
            form = redact_form(sent)
        response = self.inner.handle_request(request)
        response.read()
        url = str(request.url.copy_with(query=None))
        endpoint = self.endpoints.get(self._bare(url))
        answer: dict[str, Any] = {}
        if endpoint in ("token", "refresh") and response.status_code == 200:
            try:
                parsed = json.loads(response.content)
            except ValueError:
                parsed = {}
            if isinstance(parsed, dict):
                for credential in (
                    _at(parsed, self.token_path),
                    *map(parsed.get, _CREDENTIAL_MEMBERS),
                ):
                    if isinstance(credential, str):
                        self.scrub.add_token(credential)
                answer = _without(parsed, self.token_path)
                if isinstance(parsed.get("refresh_token"), str):
                    # Kept for the refresh step only; never recorded or shown.
                    self.refresh_token = parsed["refresh_token"]
        self.entries.append(
            TranscriptEntry(
                endpoint=endpoint,
                method=request.method,
                url=url,
                status=response.status_code,
                query=(
                    redact_query(request.url.query.decode(), self.token_params)
                    if request.url.query
                    else {}
                ),
                headers=redact_headers(request.headers.multi_items(), self.token_headers),
                form=form,
                error=_describe_error(response, self.scrub),
                answer=answer,
                defaults=self._carried(request),
            )
        )
        return response

    def _carried(self, request: httpx.Request) -> dict[str, bool]:
        query = dict(parse_qsl(request.url.query.decode(), keep_blank_values=True))
        out = {f"query:{k}": query[k] == v for k, v in self.defaults["query"].items() if k in query}
        out.update(
            {
                f"headers:{k}": request.headers[k] == v
                for k, v in self.defaults["headers"].items()
                if k in request.headers
            }
        )
        return out

    def transcript(self, start: int = 0) -> tuple[str, ...]:
        """The exchanges since index ``start``, one redacted line each."""
        return tuple(str(e) for e in self.entries[start:])
