"""ClientCredentials: the reference OAuth 2.0 client-credentials client, as an ``httpx.Auth``.

One implementation serves ``httpx.Client`` and ``httpx.AsyncClient``: the logic below is a
generator that yields the token request (and retry sleeps, and waits on other callers'
fetches) instead of doing I/O, and :mod:`._drive` carries those effects out in either mode.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Awaitable, Callable, Generator, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any, Protocol

import httpx

from . import _drive
from ._drive import Flow, Sleep, Wait
from ._retry import RetryPolicy
from ._single_flight import Abandoned, CachedToken, Flight, TokenCache
from ._token import TokenResponse, parse_token_response
from ._token_request import (
    AUTH_METHODS,
    BASIC,
    HostRules,
    basic_authorization,
    check_extra_params,
    fingerprint,
    form_body,
    is_loopback,
    require_https,
    validate_scopes,
)
from .errors import (
    ClientConfigurationError,
    ClientCredentialsError,
    DisallowedHostError,
    InvalidTokenResponseError,
    RevocationError,
    TokenEndpointUnavailableError,
    TokenRequestError,
)

__all__ = ["ClientCredentials", "ClientStats", "RetryPolicy", "TokenCache"]

logger = logging.getLogger("pytest_oauthcc.client")

ON_401 = ("invalid_token", "any", "never")
# RFC 6750 §3.1: invalid_token is the code for "expired, revoked, malformed, or invalid".
_INVALID_TOKEN = re.compile(r'error\s*=\s*"?invalid_token"?', re.IGNORECASE)
# How many times a waiter whose leader gave up (cancelled, network error) tries again.
_ROUNDS = 4


class SupportsTime(Protocol):
    """A clock: ``time()`` returns seconds (``mock_provider.ManualClock`` is one)."""

    def time(self) -> float: ...


@dataclass(frozen=True)
class ClientStats:
    """A snapshot of a client's counters.

    Attributes:
        token_requests: token endpoint requests sent (retries included).
        cache_hits: requests served with a cached token.
        renewals: fetches that replaced a cached token that was due.
        retries: token requests repeated after a transient failure.
        retries_401: API requests repeated with a new token after a 401 (or other
            configured expiry signal).
    """

    token_requests: int = 0
    cache_hits: int = 0
    renewals: int = 0
    retries: int = 0
    retries_401: int = 0


class ClientCredentials(httpx.Auth):
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
        _check_credentials(client_id, client_secret, auth_method, basic_form_encode)
        self.client_id = client_id
        self._secret = client_secret
        self._auth_method = auth_method
        self._basic_form_encode = basic_form_encode
        self.scopes = validate_scopes(scopes)
        self._extra_params = check_extra_params(extra_params)
        self._audience = audience
        self._resources = _check_resources(resource)
        self._hosts = HostRules(allowed_hosts)
        self._insecure = allow_insecure_http
        _check_seconds(renew_before=renew_before, flight_timeout=flight_timeout)
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
        self._async_sleep = async_sleep if async_sleep is not None else _anyio_sleep
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

    def async_auth_flow(self, request: httpx.Request) -> Any:
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

    # -- the flow (yields effects, does no I/O) -------------------------------------------

    def _api_flow(self, request: httpx.Request) -> Flow[None]:
        self._check_destination(request.url)
        # Judged before sending: a transport may read a streaming body once, leaving it
        # looking replayable afterwards when a real network send would have consumed it.
        replayable = _replayable(request)
        token = yield from self._ensure()
        request.headers["Authorization"] = f"Bearer {token.value}"
        response = yield request
        assert response is not None
        if not self._signals_expiry(response, token):
            return
        if not replayable:
            logger.debug(
                "401 for token %s but the request body cannot be replayed", token.fingerprint
            )
            return
        # Compare-and-invalidate: of N requests failing with this token, one drops it.
        self._cache.invalidate(self.cache_key, token.value)
        self._count("retries_401")
        logger.debug("token %s refused by the API; fetching a new one", token.fingerprint)
        token = yield from self._ensure()
        request.headers["Authorization"] = f"Bearer {token.value}"
        yield request  # a second refusal goes back to the caller as is

    def _token_value(self) -> Flow[str]:
        token = yield from self._ensure()
        return token.value

    def _ensure(self) -> Flow[CachedToken]:
        for _ in range(_ROUNDS):
            claim = self._cache.claim(self.cache_key, self._monotonic())
            if isinstance(claim, CachedToken):
                self._count("cache_hits")
                return claim
            if isinstance(claim, Flight):
                yield Wait(claim)
                try:
                    return claim.outcome()
                except Abandoned:
                    continue
            flight, previous = claim
            try:
                token = yield from self._fetch(previous)
            except BaseException as exc:
                self._share_failure(flight, exc)
                raise
            self._cache.land(self.cache_key, flight, token)
            return token
        raise TokenRequestError(
            f"no token after {_ROUNDS} token fetches were abandoned (cancelled or network errors)"
        )

    def _share_failure(self, flight: Flight, exc: BaseException) -> None:
        block_until = None
        if isinstance(exc, TokenRequestError) and exc.retryable and exc.retry_after:
            # Not caching failures, except the window the provider asked for (Retry-After).
            block_until = self._monotonic() + exc.retry_after
        shared = (
            exc
            if isinstance(exc, ClientCredentialsError)
            else Abandoned("the token request in another thread or task did not complete")
        )
        self._cache.crash(self.cache_key, flight, shared, block_until)

    def _fetch(self, previous: CachedToken | None) -> Flow[CachedToken]:
        if previous is not None:
            self._count("renewals")
        attempts, waited = 0, 0.0
        while True:
            request = self._token_request()
            sent, sent_wall = self._monotonic(), self._wall()
            attempts += 1
            self._count("token_requests")
            logger.debug(
                "token request #%d to %s for client_id=%s", attempts, self.token_url, self.client_id
            )
            failure: TokenRequestError
            try:
                response = yield request
                assert response is not None
                parsed = parse_token_response(
                    response,
                    token_path=self._token_path,
                    expires_in_unit=self._unit,
                    wall_now=self._wall(),
                )
            except httpx.TransportError as exc:
                failure = TokenEndpointUnavailableError(
                    f"the token endpoint {self.token_url} could not be reached "
                    f"({type(exc).__name__})",
                    retryable=True,
                )
                failure.__cause__ = exc
            except TokenRequestError as exc:
                failure = exc
            else:
                return self._cached(parsed, sent, sent_wall, previous)
            failure.attempts = attempts
            self._redact(failure, previous)
            delay = self.retry.next_delay(
                attempts=attempts, waited=waited, retry_after=failure.retry_after
            )
            if not failure.retryable or delay is None:
                if failure.retryable:
                    failure.args = (f"{failure.args[0]} (gave up after {attempts} attempt(s))",)
                raise failure
            self._count("retries")
            waited += delay
            logger.debug("token request failed (%s); retrying in %.3gs", failure, delay)
            yield Sleep(delay)

    def _cached(
        self, parsed: TokenResponse, sent: float, sent_wall: float, previous: CachedToken | None
    ) -> CachedToken:
        # Expiry is anchored at the moment the request was sent: the provider started the
        # lifetime no earlier, so the token can never outlive our estimate.
        if parsed.lifetime is not None:
            lifetime = parsed.lifetime
        elif parsed.expires_at is not None:
            lifetime = parsed.expires_at - sent_wall
            if lifetime <= 0:
                raise InvalidTokenResponseError(
                    f"the token response's expires_at is {-lifetime:.0f}s in the past by this "
                    "client's clock; check for clock skew or an expires_at in other units"
                )
        else:
            lifetime = self.default_expires_in
            logger.debug("token response states no lifetime; assuming %ss", lifetime)
        # Short-lived tokens would otherwise be renewed at once (or never be used).
        margin = min(self.renew_before, lifetime / 2)
        value = parsed.access_token
        token = CachedToken(
            value, fingerprint(value), sent + lifetime - margin, sent + lifetime, parsed.scope
        )
        if previous is not None and previous.value == value:
            # Sticky-token guard: a provider re-issuing the same token near its expiry
            # (shorter lifetime each time) would be asked again and again as the renewal
            # window halves; renewing cannot help until it really expires, so wait for that.
            token.renew_at = token.expires_at
            logger.debug("provider re-issued token %s; using it until expiry", token.fingerprint)
        logger.debug("got token %s, lifetime %.0fs", token.fingerprint, lifetime)
        return token

    def _revoke_flow(self) -> Flow[bool]:
        if self._revocation_url is None:
            raise ClientConfigurationError(
                "revoke() needs the RFC 7009 endpoint: pass revocation_url= to ClientCredentials"
            )
        cached = self._cache.get(self.cache_key)
        if cached is None:
            return False
        self._cache.invalidate(self.cache_key, cached.value)
        # RFC 7009 §2.1: token (REQUIRED), token_type_hint (OPTIONAL); "The client also
        # includes its authentication credentials as described in Section 2.3 of [RFC6749]."
        request = self._client_request(
            self._revocation_url, [("token", cached.value), ("token_type_hint", "access_token")]
        )
        try:
            response = yield request
        except httpx.TransportError as exc:
            raise RevocationError(
                f"the revocation endpoint could not be reached ({type(exc).__name__}); "
                f"token {cached.fingerprint} was dropped locally",
                status=None,
            ) from None
        assert response is not None
        # RFC 7009 §2.2: "The authorization server responds with HTTP status code 200 if the
        # token has been revoked successfully or if the client submitted an invalid token."
        if response.status_code == 200:
            logger.debug("token %s revoked", cached.fingerprint)
            return True
        error = _error_code(response)
        raise RevocationError(
            f"the revocation endpoint answered HTTP {response.status_code}"
            + (f" error={error}" if error else "")
            + f"; token {cached.fingerprint} was dropped locally",
            status=response.status_code,
            error=error,
        )

    # -- helpers --------------------------------------------------------------------------

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
        from urllib.parse import urlencode

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

    def _signals_expiry(self, response: httpx.Response, token: CachedToken) -> bool:
        # After a cross-origin redirect httpx strips the token, so that answer says nothing.
        sent = response.request.headers.get("Authorization")
        if sent != f"Bearer {token.value}":
            return False
        if response.status_code == 401 and self._on_401 != "never":
            if self._on_401 == "any":
                return True
            challenge = response.headers.get("WWW-Authenticate", "")
            if _INVALID_TOKEN.search(challenge):
                return True
        return self._expired_if is not None and bool(self._expired_if(response))

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


async def _anyio_sleep(seconds: float) -> None:
    import anyio

    await anyio.sleep(seconds)


def _replayable(request: httpx.Request) -> bool:
    try:
        request.content  # noqa: B018 - raises RequestNotRead for a streaming body
    except httpx.RequestNotRead:
        return False
    return True


def _error_code(response: httpx.Response) -> str | None:
    try:
        body = response.json()
    except ValueError:
        return None
    error = body.get("error") if isinstance(body, dict) else None
    return error if isinstance(error, str) else None


def _check_credentials(client_id: str, secret: str, method: str, form_encode: bool) -> None:
    if not isinstance(client_id, str) or not client_id:
        raise ClientConfigurationError("client_id must be a non-empty string")
    if not isinstance(secret, str) or not secret:
        raise ClientConfigurationError("client_secret must be a non-empty string")
    if method not in AUTH_METHODS:
        raise ClientConfigurationError(
            f"auth_method must be one of {', '.join(AUTH_METHODS)}, got {method!r}"
        )
    if method == BASIC and not form_encode and ":" in client_id:
        # RFC 7617 §2: "a user-id containing a colon character is invalid".
        raise ClientConfigurationError(
            "client_id contains ':', which raw HTTP Basic cannot carry (RFC 7617 §2); "
            "use basic_form_encode=True or auth_method='client_secret_post'"
        )


def _check_resources(resource: str | Sequence[str] | None) -> tuple[str, ...]:
    resources = (
        () if resource is None else (resource,) if isinstance(resource, str) else tuple(resource)
    )
    for uri in resources:
        parsed = httpx.URL(uri)
        # RFC 8707 §2: "MUST be an absolute URI ... MUST NOT include a fragment component."
        if not parsed.scheme or parsed.fragment:
            raise ClientConfigurationError(
                f"resource {uri!r} must be an absolute URI without a fragment (RFC 8707 §2)"
            )
    return resources


def _check_seconds(**values: float) -> None:
    for name, value in values.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0:
            raise ClientConfigurationError(
                f"{name} must be a number of seconds >= 0, got {value!r}"
            )
