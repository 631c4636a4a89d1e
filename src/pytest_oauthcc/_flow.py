"""The client's logic as generators that yield effects (see :mod:`._drive`), never I/O.

``_api_flow`` attaches a token to one API request and handles an expiry signal;
``_ensure`` gets a token through the cache and single flight; ``_fetch`` makes the token
request with retries; ``_revoke_flow`` revokes. :class:`~pytest_oauthcc.ClientCredentials`
holds the configuration these read.
"""

from __future__ import annotations

import logging
import re

import httpx

from ._client_base import ClientBase
from ._drive import Flow, Sleep, Wait
from ._lifetime import cache_entry
from ._single_flight import Abandoned, CachedToken, Flight
from ._token import parse_token_response
from .errors import (
    ClientConfigurationError,
    ClientCredentialsError,
    RevocationError,
    TokenEndpointUnavailableError,
    TokenRequestError,
)

__all__ = ["TokenFlows"]

logger = logging.getLogger("pytest_oauthcc.client")

# RFC 6750 §3.1: invalid_token is the code for "expired, revoked, malformed, or invalid".
_INVALID_TOKEN = re.compile(r'error\s*=\s*"?invalid_token"?', re.IGNORECASE)
# How many times a waiter whose leader gave up (cancelled, network error) tries again.
_ROUNDS = 4


class TokenFlows(ClientBase):
    """The flows of :class:`~pytest_oauthcc.ClientCredentials`."""

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
                "token request #%d to %s for client_id=%s",
                attempts,
                str(self._token_url),
                self.client_id,
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
                token = cache_entry(
                    parsed,
                    sent=sent,
                    sent_wall=sent_wall,
                    renew_before=self.renew_before,
                    default_expires_in=self.default_expires_in,
                    previous=previous,
                )
            except httpx.TransportError as exc:
                failure = TokenEndpointUnavailableError(
                    f"the token endpoint {self._token_url!s} could not be reached "
                    f"({type(exc).__name__})",
                    retryable=True,
                )
                failure.__cause__ = exc
            except TokenRequestError as exc:
                failure = exc
            else:
                return token
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

    def _signals_expiry(self, response: httpx.Response, token: CachedToken) -> bool:
        # The common answer (not a 401, no expired_if hook) is settled without reading headers.
        if self._expired_if is None and (response.status_code != 401 or self._on_401 == "never"):
            return False
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
