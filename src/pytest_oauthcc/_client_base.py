"""The reference client's configuration as attributes, and what it builds from them:
token and revocation requests with its client authentication, the check of where a token
may go, its clocks, its counters, and the scrubbing of secrets from error messages.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import httpx

from ._config import SupportsTime
from ._retry import RetryPolicy
from ._single_flight import CachedToken, TokenCache
from ._token_request import (
    BASIC,
    HostRules,
    basic_authorization,
    fingerprint,
    form_body,
    is_loopback,
)
from .errors import DisallowedHostError, TokenRequestError

__all__ = ["ClientBase"]


class ClientBase:
    """What :class:`~pytest_oauthcc.ClientCredentials` is made of (its constructor sets
    these attributes); the flows in :mod:`._flow` build on it."""

    client_id: str
    scopes: tuple[str, ...]
    renew_before: float
    default_expires_in: float
    retry: RetryPolicy
    cache_key: tuple[Any, ...]
    _token_url: httpx.URL
    _revocation_url: httpx.URL | None
    _secret: str
    _auth_method: str
    _basic_form_encode: bool
    _extra_params: dict[str, str]
    _audience: str | None
    _resources: tuple[str, ...]
    _hosts: HostRules
    _insecure: bool
    _unit: float
    _token_path: str
    _clock: SupportsTime | None
    _on_401: str
    _expired_if: Callable[[httpx.Response], bool] | None
    _timeout: dict[str, float | None]
    _cache: TokenCache
    _counts: dict[str, int]
    _counts_lock: threading.Lock

    def _token_request(self) -> httpx.Request:
        post = self._auth_method != BASIC
        body = form_body(
            scopes=self.scopes,
            audience=self._audience,
            resources=self._resources,
            extra_params=self._extra_params,
            client_id=self.client_id if post else None,
            client_secret=self._secret if post else None,
        )
        return self._request(self._token_url, body, post)

    def _client_request(self, url: httpx.URL, pairs: list[tuple[str, str]]) -> httpx.Request:
        post = self._auth_method != BASIC
        if post:
            pairs = [*pairs, ("client_id", self.client_id), ("client_secret", self._secret)]
        return self._request(url, urlencode(pairs).encode("ascii"), post)

    def _request(self, url: httpx.URL, body: bytes, post: bool) -> httpx.Request:
        # §4.4.2: "application/x-www-form-urlencoded" with no charset parameter (strict
        # gateways refuse one); §2.3: exactly one client authentication method.
        headers = {
            "Accept": "application/json",
            "Content-Type": "application/x-www-form-urlencoded",
        }
        if not post:
            headers["Authorization"] = basic_authorization(
                self.client_id, self._secret, form_encode=self._basic_form_encode
            )
        return httpx.Request(
            "POST", url, headers=headers, content=body, extensions={"timeout": self._timeout}
        )

    def _check_destination(self, url: httpx.URL) -> None:
        host = url.host
        if not self._hosts.allows(host):
            raise DisallowedHostError(
                f"refused to send the access token to {host!r}: it is not in allowed_hosts:\n"
                f"{self._hosts.describe()}\nAdd the host to allowed_hosts if it should get it.",
                host=host,
            )
        # RFC 6750 §5.3: "Clients MUST always use TLS (https) or equivalent transport
        # security when making requests with bearer tokens."
        if url.scheme != "https" and not self._insecure and not is_loopback(host):
            raise DisallowedHostError(
                f"refused to send the access token over plain HTTP to {host!r} "
                "(RFC 6750 §5.3 requires TLS); use https:// or allow_insecure_http=True",
                host=host,
            )

    def _redact(self, error: TokenRequestError, previous: CachedToken | None) -> None:
        # A provider may echo what it was sent (an error_description quoting the secret);
        # the message and description never carry it, nor a token, only fingerprints.
        known = [self._secret] + ([previous.value] if previous is not None else [])
        # A value this short cannot be told apart from ordinary words in the message.
        known = [value for value in known if len(value) >= 4]

        def scrub(text: str) -> str:
            for value in known:
                text = text.replace(value, fingerprint(value))
            return text

        error.args = tuple(scrub(a) if isinstance(a, str) else a for a in error.args)
        description = getattr(error, "error_description", None)
        if isinstance(description, str):
            error.error_description = scrub(description)  # type: ignore[attr-defined]

    def _monotonic(self) -> float:
        if self._clock is None:
            return time.monotonic()
        monotonic = getattr(self._clock, "monotonic", None)
        return float(monotonic() if callable(monotonic) else self._clock.time())

    def _wall(self) -> float:
        return time.time() if self._clock is None else float(self._clock.time())

    def _count(self, name: str) -> None:
        with self._counts_lock:
            self._counts[name] += 1
