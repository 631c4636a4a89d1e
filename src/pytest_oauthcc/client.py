"""ClientCredentials: the reference OAuth 2.0 client-credentials client, as an ``httpx.Auth``.

One implementation serves ``httpx.Client`` and ``httpx.AsyncClient``: the logic (``._flow``) is a
generator that yields the token request (and retry sleeps, and waits on other callers'
fetches) instead of doing I/O, and :mod:`._drive` carries those effects out in either mode.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import (
    AsyncGenerator,
    Awaitable,
    Callable,
    Generator,
    Iterable,
    Mapping,
    Sequence,
)
from dataclasses import fields

import httpx

from . import _drive
from ._config import (
    ON_401,
    ClientStats,
    SupportsTime,
    check_credentials,
    check_resources,
    check_seconds,
)
from ._flow import TokenFlows
from ._retry import RetryPolicy
from ._single_flight import TokenCache
from ._token_request import (
    BASIC,
    HostRules,
    check_extra_params,
    fingerprint,
    require_https,
    validate_scopes,
)
from .errors import ClientConfigurationError

__all__ = ["ClientCredentials", "ClientStats", "RetryPolicy", "TokenCache"]

logger = logging.getLogger("pytest_oauthcc.client")


class ClientCredentials(TokenFlows, httpx.Auth):
    """An ``httpx.Auth`` that gets, caches, renews and attaches client-credentials tokens.

    Use one instance with ``httpx.Client(auth=...)`` or ``httpx.AsyncClient(auth=...)``
    (or both); it is safe to share between threads and asyncio tasks.

    Args:
        token_url: the token endpoint; https, or http to a loopback host.
        client_id, client_secret: the client credentials (the secret is never shown).
        scopes: scopes to request; ``scope`` is omitted when empty.
        auth_method: ``"client_secret_basic"`` (HTTP Basic) or ``"client_secret_post"``.
        basic_form_encode: form-urlencode id and secret before Basic encoding, as RFC 6749
            §2.3.1 says; ``False`` for providers that expect them raw.
        extra_params: more form parameters for every token request.
        audience: an ``audience`` parameter (Auth0 and others).
        resource: one or more RFC 8707 ``resource`` indicators (absolute URIs).
        allowed_hosts: hosts that may receive the token (``api.example.com``,
            ``*.example.com`` for subdomains); ``None`` allows any host.
        revocation_url: the RFC 7009 endpoint used by :meth:`revoke`.
        renew_before: renew this many seconds before expiry (at most half the lifetime).
        default_expires_in: the lifetime assumed when the response states none.
        expires_in_unit: ``"s"``, or ``"ms"`` for providers sending milliseconds.
        token_path: dotted path of ``access_token`` in the response (``data.access_token``).
        clock: an object with ``time()`` (and optionally ``monotonic()``) in seconds;
            lifetimes are measured on it. Defaults to ``time.monotonic``/``time.time``.
        retry: the :class:`RetryPolicy` for transient token endpoint failures.
        on_401: which API 401s mean "token expired": ``"invalid_token"`` (RFC 6750 §3.1
            challenge), ``"any"``, or ``"never"``.
        expired_if: an extra predicate on API responses meaning "token expired" (for
            providers that answer 403 or a 200 with an error body); its body is read.
        timeout: the timeout of token and revocation requests (seconds or ``httpx.Timeout``).
        sleep, async_sleep: the sleepers used between retries (injectable for tests).
        cache: a :class:`TokenCache` to share tokens between identically configured clients.
        allow_insecure_http: allow plain HTTP to non-loopback hosts (private test networks).
        flight_timeout: the longest a caller waits for another caller's token fetch.

    Raises:
        ClientConfigurationError: for any invalid argument; the message says which and why.
    """

    requires_response_body = True

    def __init__(
        self,
        token_url: str,
        client_id: str,
        client_secret: str,
        *,
        scopes: Iterable[str] = (),
        auth_method: str = BASIC,
        basic_form_encode: bool = True,
        extra_params: Mapping[str, str] | None = None,
        audience: str | None = None,
        resource: str | Sequence[str] | None = None,
        allowed_hosts: Iterable[str] | None = None,
        revocation_url: str | None = None,
        renew_before: float = 60.0,
        default_expires_in: float = 3600.0,
        expires_in_unit: str = "s",
        token_path: str = "access_token",
        clock: SupportsTime | None = None,
        retry: RetryPolicy | None = None,
        on_401: str = "invalid_token",
        expired_if: Callable[[httpx.Response], bool] | None = None,
        timeout: float | httpx.Timeout = 10.0,
        sleep: Callable[[float], None] | None = None,
        async_sleep: Callable[[float], Awaitable[None]] | None = None,
        cache: TokenCache | None = None,
        allow_insecure_http: bool = False,
        flight_timeout: float = 120.0,
    ) -> None:
        self._token_url = require_https(
            token_url, "token_url", allow_insecure_http=allow_insecure_http
        )
        self._revocation_url = (
            None
            if revocation_url is None
            else require_https(
                revocation_url, "revocation_url", allow_insecure_http=allow_insecure_http
            )
        )
        check_credentials(client_id, client_secret, auth_method, basic_form_encode)
        self.client_id = client_id
        self._secret = client_secret
        self._auth_method = auth_method
        self._basic_form_encode = basic_form_encode
        self.scopes = validate_scopes(scopes)
        self._extra_params = check_extra_params(extra_params)
        self._audience = audience
        self._resources = check_resources(resource)
        self._hosts = HostRules(allowed_hosts)
        self._insecure = allow_insecure_http
        check_seconds(renew_before=renew_before, flight_timeout=flight_timeout)
        if not default_expires_in > 0:
            raise ClientConfigurationError(
                f"default_expires_in must be > 0 seconds (a token never lives forever), "
                f"got {default_expires_in!r}"
            )
        if expires_in_unit not in ("s", "ms"):
            raise ClientConfigurationError(
                f"expires_in_unit must be 's' or 'ms', got {expires_in_unit!r}"
            )
        if on_401 not in ON_401:
            raise ClientConfigurationError(
                f"on_401 must be one of {', '.join(ON_401)}, got {on_401!r}"
            )
        if not token_path or any(not part for part in token_path.split(".")):
            raise ClientConfigurationError(
                f"token_path must be a dotted path like 'data.access_token', got {token_path!r}"
            )
        self.renew_before = float(renew_before)
        self.default_expires_in = float(default_expires_in)
        self._unit = 0.001 if expires_in_unit == "ms" else 1.0
        self._token_path = token_path
        self._clock = clock
        self.retry = retry if retry is not None else RetryPolicy()
        self._on_401 = on_401
        self._expired_if = expired_if
        self._timeout = httpx.Timeout(timeout).as_dict()
        self._sleep = sleep if sleep is not None else time.sleep
        self._async_sleep = async_sleep if async_sleep is not None else _drive.anyio_sleep
        self._cache = cache if cache is not None else TokenCache()
        self._flight_timeout = float(flight_timeout)
        self.cache_key = (
            str(self._token_url),
            client_id,
            fingerprint(client_secret),
            tuple(sorted(self.scopes)),
            audience,
            self._resources,
            tuple(sorted(self._extra_params.items())),
        )
        self._counts = dict.fromkeys((f.name for f in fields(ClientStats)), 0)
        self._counts_lock = threading.Lock()

    # -- public surface -------------------------------------------------------------------

    @property
    def token_url(self) -> str:
        """The token endpoint."""
        return str(self._token_url)

    @property
    def stats(self) -> ClientStats:
        """A snapshot of the counters (token requests, cache hits, renewals, retries)."""
        with self._counts_lock:
            return ClientStats(**self._counts)

    @property
    def token_fingerprint(self) -> str | None:
        """The fingerprint of the cached token (``fp:`` + 8 hex digits), or ``None``."""
        cached = self._cache.get(self.cache_key)
        return None if cached is None else cached.fingerprint

    def invalidate(self) -> bool:
        """Forget the cached token locally (no request); return whether there was one."""
        dropped = self._cache.invalidate(self.cache_key)
        if dropped:
            logger.debug("client_id=%s: cached token dropped by invalidate()", self.client_id)
        return dropped

    def fetch_token(self, http: httpx.Client) -> str:
        """Return a valid access token, fetching one with ``http`` only if needed.

        Unlike requests made with ``auth=self``, network errors here are retried too.

        Raises:
            TokenRequestError: (or a subclass) when no token could be obtained.
        """
        return _drive.run_sync(
            self._token_value(), http, sleep=self._sleep, flight_timeout=self._flight_timeout
        )

    async def afetch_token(self, http: httpx.AsyncClient) -> str:
        """:meth:`fetch_token` with an ``httpx.AsyncClient``."""
        return await _drive.run_async(
            self._token_value(), http, sleep=self._async_sleep, flight_timeout=self._flight_timeout
        )

    def revoke(self, http: httpx.Client) -> bool:
        """Revoke the cached token at ``revocation_url`` (RFC 7009) and drop it.

        Returns whether a token was revoked (``False`` when none was cached).

        Raises:
            ClientConfigurationError: if no ``revocation_url`` was given.
            RevocationError: when the endpoint refused or could not be reached; the token is
                dropped from the cache all the same.
        """
        return _drive.run_sync(
            self._revoke_flow(), http, sleep=self._sleep, flight_timeout=self._flight_timeout
        )

    async def arevoke(self, http: httpx.AsyncClient) -> bool:
        """:meth:`revoke` with an ``httpx.AsyncClient``."""
        return await _drive.run_async(
            self._revoke_flow(), http, sleep=self._async_sleep, flight_timeout=self._flight_timeout
        )

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """The generic httpx hook, for callers that drive auth flows themselves: the same
        as :meth:`sync_auth_flow` (retry sleeps and waits block the calling thread)."""
        yield from self.sync_auth_flow(request)

    def sync_auth_flow(
        self, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, None]:
        """The httpx hook for ``httpx.Client``: attach a token, renew on expiry signals."""
        yield from _drive.auth_sync(
            self._api_flow(request),
            sleep=self._sleep,
            flight_timeout=self._flight_timeout,
            stream_request=request,
            read_stream=self._expired_if is not None,
        )

    def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        """The httpx hook for ``httpx.AsyncClient``; never blocks the event loop."""
        return _drive.auth_async(
            self._api_flow(request),
            sleep=self._async_sleep,
            flight_timeout=self._flight_timeout,
            stream_request=request,
            read_stream=self._expired_if is not None,
        )

    def __repr__(self) -> str:
        return (
            f"ClientCredentials(token_url={self.token_url!r}, client_id={self.client_id!r}, "
            f"client_secret={fingerprint(self._secret)}, auth_method={self._auth_method!r}, "
            f"scopes={self.scopes!r}, token={self.token_fingerprint})"
        )
