"""The client's logic as generators that yield effects (see :mod:`.drive`), never I/O.

``api_flow`` attaches a token to one API request and handles an expiry signal;
``_ensure`` gets a token through the cache and single flight; ``_fetch`` makes the token
request with retries; ``revoke_flow`` revokes. All of them read one :class:`ClientSettings`.

Layering: imports httpx, :mod:`pytest_oauthcc.errors`, :mod:`pytest_oauthcc.scrub` and the
client's lower modules (settings, stats, hosts, token_request, token,
single_flight, drive, stacks); :mod:`.credentials` is the only module above it.
"""

from __future__ import annotations

import logging
import re

import httpx

from pytest_oauthcc.errors import (
    ClientConfigurationError,
    ClientCredentialsError,
    RevocationError,
    TokenEndpointUnavailableError,
    TokenRequestError,
)
from pytest_oauthcc.scrub import Scrubber

from .drive import Flow, Sleep, Wait
from .hosts import check_destination
from .placement import attach, carried
from .settings import ClientSettings
from .single_flight import Abandoned, CachedToken, Flight, cache_entry
from .stacks import HTTPX, HttpStack, stack_of
from .stats import Counters
from .token import parse_token_response
from .token_request import client_request, token_request

__all__ = ["TokenFlows"]

logger = logging.getLogger("pytest_oauthcc.client")

# RFC 6750 §3.1: invalid_token is the code for "expired, revoked, malformed, or invalid".
_INVALID_TOKEN = re.compile(r'error\s*=\s*"?invalid_token"?', re.IGNORECASE)
# How many times a waiter whose leader gave up (cancelled, network error) tries again.
_ROUNDS = 4


class TokenFlows:
    """The flows of one :class:`~pytest_oauthcc.ClientCredentials`: its settings, its counters."""

    def __init__(self, settings: ClientSettings, counters: Counters) -> None:
        self.settings = settings
        self.counters = counters

    def api_flow(self, request: httpx.Request) -> Flow[None]:
        settings = self.settings
        check_destination(
            settings.hosts, request.url, allow_insecure_http=settings.allow_insecure_http
        )
        # Judged before sending: a transport may read a streaming body once, leaving it
        # looking replayable afterwards when a real network send would have consumed it.
        stack = stack_of(request)
        replayable = _replayable(request, stack)
        token = yield from self._ensure(stack)
        attach(settings.placement, request, token.value)
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
        self.settings.cache.invalidate(self.settings.cache_key, token.value)
        self.counters.count("retries_401")
        logger.debug("token %s refused by the API; fetching a new one", token.fingerprint)
        token = yield from self._ensure(stack)
        attach(self.settings.placement, request, token.value)
        yield request  # a second refusal goes back to the caller as is

    def token_value(self, stack: HttpStack = HTTPX) -> Flow[str]:
        token = yield from self._ensure(stack)
        return token.value

    def _ensure(self, stack: HttpStack) -> Flow[CachedToken]:
        for _ in range(_ROUNDS):
            claim = self.settings.cache.claim(self.settings.cache_key, self.settings.monotonic())
            if isinstance(claim, CachedToken):
                self.counters.count("cache_hits")
                return claim
            if isinstance(claim, Flight):
                yield Wait(claim)
                try:
                    return claim.outcome()
                except Abandoned:
                    continue
            flight, previous = claim
            try:
                token = yield from self._fetch(previous, stack)
            except BaseException as exc:
                self._share_failure(flight, exc)
                raise
            self.settings.cache.land(self.settings.cache_key, flight, token)
            return token
        raise TokenRequestError(
            f"no token after {_ROUNDS} token fetches were abandoned (cancelled or network errors)"
        )

    def _share_failure(self, flight: Flight, exc: BaseException) -> None:
        block_until = None
        if isinstance(exc, TokenRequestError) and exc.retryable and exc.retry_after:
            # Not caching failures, except the window the provider asked for (Retry-After).
            block_until = self.settings.monotonic() + exc.retry_after
        shared = (
            exc
            if isinstance(exc, ClientCredentialsError)
            else Abandoned("the token request in another thread or task did not complete")
        )
        self.settings.cache.crash(self.settings.cache_key, flight, shared, block_until)

    def _fetch(self, previous: CachedToken | None, stack: HttpStack) -> Flow[CachedToken]:
        if previous is not None:
            self.counters.count("renewals")
        attempts, waited = 0, 0.0
        while True:
            request, auth = token_request(self.settings, stack)
            sent, sent_wall = self.settings.monotonic(), self.settings.wall()
            attempts += 1
            self.counters.count("token_requests")
            logger.debug(
                "token request #%d to %s for client_id=%s",
                attempts,
                str(self.settings.token_url),
                self.settings.client_id,
            )
            failure: TokenRequestError
            try:
                response = yield request
                assert response is not None
                parsed = parse_token_response(
                    response,
                    token_path=self.settings.token_path,
                    expires_in_path=self.settings.expires_in_path,
                    expires_in_unit=self.settings.expires_in_unit,
                    wall_now=self.settings.wall(),
                )
                token = cache_entry(
                    parsed,
                    sent=sent,
                    sent_wall=sent_wall,
                    renew_before=self.settings.renew_before,
                    default_expires_in=self.settings.default_expires_in,
                    previous=previous,
                )
            except stack.TransportError as exc:
                failure = TokenEndpointUnavailableError(
                    f"the token endpoint {self.settings.token_url!s} could not be reached "
                    f"({type(exc).__name__})",
                    retryable=True,
                )
                failure.__cause__ = exc
            except TokenRequestError as exc:
                failure = exc
            else:
                return token
            failure.attempts = attempts
            _redact(self.settings, auth.sent, failure, previous)
            delay = self.settings.retry.next_delay(
                attempts=attempts, waited=waited, retry_after=failure.retry_after
            )
            if not failure.retryable or delay is None:
                if failure.retryable:
                    failure.args = (f"{failure.args[0]} (gave up after {attempts} attempt(s))",)
                raise failure
            self.counters.count("retries")
            waited += delay
            logger.debug("token request failed (%s); retrying in %.3gs", failure, delay)
            yield Sleep(delay)

    def revoke_flow(self, stack: HttpStack = HTTPX) -> Flow[bool]:
        if self.settings.revocation_url is None:
            raise ClientConfigurationError(
                "revoke() needs the RFC 7009 endpoint: pass revocation_url= to ClientCredentials"
            )
        cached = self.settings.cache.get(self.settings.cache_key)
        if cached is None:
            return False
        self.settings.cache.invalidate(self.settings.cache_key, cached.value)
        # RFC 7009 §2.1: token (REQUIRED), token_type_hint (OPTIONAL); "The client also
        # includes its authentication credentials as described in Section 2.3 of [RFC6749]."
        request = client_request(
            self.settings,
            self.settings.revocation_url,
            [("token", cached.value), ("token_type_hint", "access_token")],
            stack,
        )
        try:
            response = yield request
        except stack.TransportError as exc:
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
        if error is not None:
            # The code is the provider's text: it could echo the token or the secret.
            scrub = Scrubber()
            scrub.add_secret(self.settings.client_secret, client_id=self.settings.client_id)
            scrub.add_token(cached.value)
            error = scrub(error)
        raise RevocationError(
            f"the revocation endpoint answered HTTP {response.status_code}"
            + (f" error={error}" if error else "")
            + f"; token {cached.fingerprint} was dropped locally",
            status=response.status_code,
            error=error,
        )

    def _signals_expiry(self, response: httpx.Response, token: CachedToken) -> bool:
        expired_if, on_401 = self.settings.expired_if, self.settings.on_401
        # The common answer (not a 401, no expired_if hook) is settled without reading headers.
        if expired_if is None and (response.status_code != 401 or on_401 == "never"):
            return False
        # After a cross-origin redirect httpx strips the token, so that answer says nothing.
        if carried(self.settings.placement, response.request) != token.value:
            return False
        if response.status_code == 401 and on_401 != "never":
            if on_401 == "any":
                return True
            challenge = response.headers.get("WWW-Authenticate", "")
            if _INVALID_TOKEN.search(challenge):
                return True
        return expired_if is not None and bool(expired_if(response))


def _replayable(request: httpx.Request, stack: HttpStack) -> bool:
    try:
        request.content  # noqa: B018 - raises RequestNotRead for a streaming body
    except stack.RequestNotRead:
        return False
    return True


def _error_code(response: httpx.Response) -> str | None:
    try:
        body = response.json()
    except ValueError:
        return None
    error = body.get("error") if isinstance(body, dict) else None
    return error if isinstance(error, str) else None


def _redact(
    settings: ClientSettings,
    sent: tuple[str, ...],
    error: TokenRequestError,
    previous: CachedToken | None,
) -> None:
    # A provider may echo what it was sent (an error_description quoting the secret, URL
    # encoded or as the Basic credentials, or the client assertion); the message and
    # description never carry it, nor a token, only fingerprints.
    scrub = Scrubber()
    scrub.add_secret(settings.client_secret, client_id=settings.client_id)
    for value in sent:  # the request's credentials: the secret, or an assertion
        if value != settings.client_secret:
            scrub.add_token(value)
    scrub.add_token(previous.value if previous is not None else None)
    error.args = tuple(scrub(a) if isinstance(a, str) else a for a in error.args)
    description = getattr(error, "error_description", None)
    if isinstance(description, str):
        error.error_description = scrub(description)  # type: ignore[attr-defined]
