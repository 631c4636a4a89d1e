"""ClientCredentials: the reference OAuth 2.0 client-credentials client, as an ``httpx.Auth``
(and an ``httpx2.Auth`` when httpx2 is installed).

One implementation serves ``httpx.Client`` and ``httpx.AsyncClient``, and their httpx2 twins:
the logic (:mod:`.flow`) is a generator that yields the token request (and retry sleeps, and
waits on other callers' fetches) instead of doing I/O, and :mod:`.drive` carries those effects
out in either mode. httpx2 accepts only ``httpx2.Auth`` instances as ``auth=``, so when httpx2
is installed a ``ClientCredentials(...)`` is an instance of a subclass deriving from both
``ClientCredentials`` and ``httpx2.Auth`` (made once, on first use): nothing is added but
the second base, the flow is the same object's.

Layering: the top of :mod:`pytest_oauthcc.client`; imports httpx, :mod:`mock_provider.protocol`
and the client's own modules, never pytest, the plugin or the connection format.
"""

from __future__ import annotations

import logging
import ssl
from collections.abc import (
    AsyncGenerator,
    Awaitable,
    Callable,
    Generator,
    Iterable,
    Mapping,
    Sequence,
)
from typing import Any

import httpx

from mock_provider.protocol import CLIENT_SECRET_BASIC
from pytest_oauthcc.errors import ClientConfigurationError

from .drive import auth_async, auth_sync, run_async, run_sync
from .flow import TokenFlows
from .retry import RetryPolicy
from .settings import ClientSettings, SupportsTime
from .single_flight import TokenCache
from .stacks import httpx2_installed, stack_of
from .stats import ClientStats, Counters

__all__ = ["ClientCredentials", "ClientSettings", "ClientStats", "RetryPolicy", "TokenCache"]

logger = logging.getLogger("pytest_oauthcc.client")


class ClientCredentials(httpx.Auth):
    """An ``httpx.Auth`` that gets, caches, renews and attaches client-credentials tokens.

    Use one instance with ``httpx.Client(auth=...)`` or ``httpx.AsyncClient(auth=...)``, and
    their ``httpx2`` twins (or all of them: they share one token); it is safe to share
    between threads and asyncio tasks.

    Args:
        token_url: the token endpoint; https, or http to a loopback host.
        client_id, client_secret: the client credentials (the secret is never shown);
            no secret with ``private_key_jwt``.
        scopes: scopes to request; ``scope`` is omitted when empty.
        auth_method: how the client authenticates (RFC 8414 names):
            ``"client_secret_basic"`` (HTTP Basic), ``"client_secret_post"`` (form body),
            ``"client_secret_jwt"`` (an RFC 7523 assertion signed with the secret, HS256 by
            default) or ``"private_key_jwt"`` (an assertion signed with ``private_key``).
        private_key: for ``private_key_jwt``: the unencrypted PEM text of an RSA (>= 2048
            bits), EC or Ed25519/Ed448 private key, or a private JWK dict; loaded and checked
            here, never shown.
        key_id: the ``kid`` header of ``private_key_jwt`` assertions (default: the JWK's own
            ``kid``, if any).
        assertion_alg: the JWS algorithm of the assertions: HS256/384/512 for
            ``client_secret_jwt``; for ``private_key_jwt`` RS256 (RSA keys), ES256/384/512
            (by curve) or EdDSA by default, PS256/384/512 and RS384/512 on request.
        assertion_audience: the assertions' ``aud`` (default: ``token_url``; Auth0, for one,
            wants its issuer). Each token or revocation request gets a new assertion
            (fresh ``jti``, 60 s life).
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
        verify: TLS verification of the client's own short-lived HTTP client (``revoke()``
            without ``http``): ``True``, ``False`` or an ``ssl.SSLContext``
            (``ssl.create_default_context(cafile=...)`` for a private CA).
        sleep, async_sleep: the sleepers used between retries (injectable for tests).
        cache: a :class:`TokenCache` to share tokens between identically configured clients.
        allow_insecure_http: allow plain HTTP to non-loopback hosts (private test networks).
        flight_timeout: the longest a caller waits for another caller's token fetch.
        expires_in_path: dotted path of the lifetime in the response (``data.ttl``) when
            it is not ``expires_in`` next to the token.
        token_header, token_prefix: the header API requests carry the token in, and what
            precedes it (``Authorization: Bearer <token>`` by default, RFC 6750 §2.1);
            e.g. ``token_prefix="Zoho-oauthtoken "`` or ``token_header="X-Auth-Token",
            token_prefix=""``.
        token_query: send the token as this query parameter instead (RFC 6750 §2.3, which
            the RFC discourages: URLs are logged); not with ``token_header``/``token_prefix``.

    The checked arguments are :attr:`settings` (a frozen :class:`ClientSettings`).

    Raises:
        ClientConfigurationError: for any invalid argument; the message says which and why.
    """

    requires_response_body = True

    def __new__(cls, *args: Any, **kwargs: Any) -> ClientCredentials:
        # httpx2's clients check isinstance(auth, httpx2.Auth); see the module docstring.
        made: ClientCredentials = super().__new__(_with_httpx2(cls) if httpx2_installed() else cls)
        return made

    def __init__(
        self,
        token_url: str,
        client_id: str,
        client_secret: str | None = None,
        *,
        scopes: Iterable[str] = (),
        auth_method: str = CLIENT_SECRET_BASIC,
        private_key: str | Mapping[str, Any] | None = None,
        key_id: str | None = None,
        assertion_alg: str | None = None,
        assertion_audience: str | None = None,
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
        verify: ssl.SSLContext | bool = True,
        sleep: Callable[[float], None] | None = None,
        async_sleep: Callable[[float], Awaitable[None]] | None = None,
        cache: TokenCache | None = None,
        allow_insecure_http: bool = False,
        flight_timeout: float = 120.0,
        expires_in_path: str | None = None,
        token_header: str = "Authorization",
        token_prefix: str = "Bearer ",
        token_query: str | None = None,
    ) -> None:
        self.settings = ClientSettings.build(
            token_url,
            client_id,
            client_secret,
            scopes=scopes,
            auth_method=auth_method,
            private_key=private_key,
            key_id=key_id,
            assertion_alg=assertion_alg,
            assertion_audience=assertion_audience,
            basic_form_encode=basic_form_encode,
            extra_params=extra_params,
            audience=audience,
            resource=resource,
            allowed_hosts=allowed_hosts,
            revocation_url=revocation_url,
            renew_before=renew_before,
            default_expires_in=default_expires_in,
            expires_in_unit=expires_in_unit,
            token_path=token_path,
            clock=clock,
            retry=retry,
            on_401=on_401,
            expired_if=expired_if,
            timeout=timeout,
            verify=verify,
            sleep=sleep,
            async_sleep=async_sleep,
            cache=cache,
            allow_insecure_http=allow_insecure_http,
            flight_timeout=flight_timeout,
            expires_in_path=expires_in_path,
            token_header=token_header,
            token_prefix=token_prefix,
            token_query=token_query,
        )
        self._counters = Counters()
        self._flows = TokenFlows(self.settings, self._counters)

    # -- public surface -------------------------------------------------------------------

    @property
    def token_url(self) -> str:
        """The token endpoint."""
        return str(self.settings.token_url)

    @property
    def client_id(self) -> str:
        """The client identifier."""
        return self.settings.client_id

    @property
    def scopes(self) -> tuple[str, ...]:
        """The scopes requested, de-duplicated in order."""
        return self.settings.scopes

    @property
    def renew_before(self) -> float:
        """Seconds before expiry at which a token is renewed (at most half its lifetime)."""
        return self.settings.renew_before

    @property
    def default_expires_in(self) -> float:
        """The lifetime assumed when a token response states none."""
        return self.settings.default_expires_in

    @property
    def retry(self) -> RetryPolicy:
        """The retry policy for transient token endpoint failures."""
        return self.settings.retry

    @property
    def cache_key(self) -> tuple[Any, ...]:
        """The key of this client's token in its :class:`TokenCache`."""
        return self.settings.cache_key

    @property
    def stats(self) -> ClientStats:
        """A snapshot of the counters (token requests, cache hits, renewals, retries)."""
        return self._counters.snapshot()

    @property
    def token_fingerprint(self) -> str | None:
        """The fingerprint of the cached token (``fp:`` + 8 hex digits), or ``None``."""
        cached = self.settings.cache.get(self.settings.cache_key)
        return None if cached is None else cached.fingerprint

    def public_jwks(self) -> dict[str, Any]:
        """The JWK Set of this client's public key (``private_key_jwt``), with its ``kid``,
        ``alg`` and ``use``: what the provider registers (``add_client(..., jwks=...)``).

        Raises:
            ClientConfigurationError: for any other auth method (no key pair).
        """
        signer = self.settings.signer
        if signer is None or self.settings.auth_method != "private_key_jwt":
            raise ClientConfigurationError(
                f"public_jwks() needs auth_method='private_key_jwt', not "
                f"{self.settings.auth_method!r}"
            )
        return {"keys": [signer.public_jwk()]}

    def invalidate(self) -> bool:
        """Forget the cached token locally (no request); return whether there was one."""
        dropped = self.settings.cache.invalidate(self.settings.cache_key)
        if dropped:
            logger.debug("client_id=%s: cached token dropped by invalidate()", self.client_id)
        return dropped

    def fetch_token(self, http: httpx.Client) -> str:
        """Return a valid access token, fetching one with ``http`` only if needed.

        Unlike requests made with ``auth=self``, network errors here are retried too.

        Raises:
            TokenRequestError: (or a subclass) when no token could be obtained.
        """
        return run_sync(
            self._flows.token_value(stack_of(http)),
            http,
            sleep=self.settings.sleep,
            flight_timeout=self.settings.flight_timeout,
        )

    async def afetch_token(self, http: httpx.AsyncClient) -> str:
        """:meth:`fetch_token` with an ``httpx.AsyncClient``."""
        return await run_async(
            self._flows.token_value(stack_of(http)),
            http,
            sleep=self.settings.async_sleep,
            flight_timeout=self.settings.flight_timeout,
        )

    def revoke(self, http: httpx.Client | None = None) -> bool:
        """Revoke the cached token at ``revocation_url`` (RFC 7009) and drop it.

        Args:
            http: the client to send with; by default a short-lived ``httpx.Client`` with
                this client's ``timeout`` and ``verify`` (proxies from the environment, as
                httpx reads them), following no redirect.

        Returns whether a token was revoked (``False`` when none was cached).

        Raises:
            ClientConfigurationError: if no ``revocation_url`` was given.
            RevocationError: when the endpoint refused or could not be reached; the token is
                dropped from the cache all the same.
        """
        if http is None:
            with httpx.Client(**self.settings.own_client_options()) as own:
                return self.revoke(own)
        return run_sync(
            self._flows.revoke_flow(stack_of(http)),
            http,
            sleep=self.settings.sleep,
            flight_timeout=self.settings.flight_timeout,
        )

    async def arevoke(self, http: httpx.AsyncClient | None = None) -> bool:
        """:meth:`revoke` with an ``httpx.AsyncClient`` (by default a short-lived one)."""
        if http is None:
            async with httpx.AsyncClient(**self.settings.own_client_options()) as own:
                return await self.arevoke(own)
        return await run_async(
            self._flows.revoke_flow(stack_of(http)),
            http,
            sleep=self.settings.async_sleep,
            flight_timeout=self.settings.flight_timeout,
        )

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """The generic httpx hook, for callers that drive auth flows themselves: the same
        as :meth:`sync_auth_flow` (retry sleeps and waits block the calling thread)."""
        yield from self.sync_auth_flow(request)

    def sync_auth_flow(
        self, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, None]:
        """The httpx hook for ``httpx.Client``: attach a token, renew on expiry signals."""
        yield from auth_sync(
            self._flows.api_flow(request),
            sleep=self.settings.sleep,
            flight_timeout=self.settings.flight_timeout,
            stream_request=request,
            read_stream=self.settings.expired_if is not None,
        )

    def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        """The httpx hook for ``httpx.AsyncClient``; never blocks the event loop."""
        return auth_async(
            self._flows.api_flow(request),
            sleep=self.settings.async_sleep,
            flight_timeout=self.settings.flight_timeout,
            stream_request=request,
            read_stream=self.settings.expired_if is not None,
        )

    def __repr__(self) -> str:
        return (
            f"ClientCredentials(token_url={self.token_url!r}, client_id={self.client_id!r}, "
            f"{self.settings.credential_fingerprint()}, "
            f"auth_method={self.settings.auth_method!r}, "
            f"scopes={self.scopes!r}, token={self.token_fingerprint})"
        )


# Keyed by httpx2's Auth class too: httpx2 can be imported afresh (pytester's in-process
# runs restore sys.modules, dropping a module first imported inside them), and a twin of the
# old module's Auth is no httpx2.Auth for the new module's clients.
_TWINS: dict[tuple[type[ClientCredentials], type], type[ClientCredentials]] = {}


def _with_httpx2(cls: type[ClientCredentials]) -> type[ClientCredentials]:
    """``cls`` deriving from ``httpx2.Auth`` too, under the same name (one per class)."""
    import httpx2

    # httpx2.Auth's methods take httpx2's classes: mypy sees no common subclass (same API).
    httpx2_auth: Any = httpx2.Auth
    if issubclass(cls, httpx2_auth):
        return cls
    twin = _TWINS.get((cls, httpx2_auth))
    if twin is None:
        namespace = {"__module__": cls.__module__, "__qualname__": cls.__qualname__}
        # setdefault: two threads making the first instance at once agree on one class.
        made = type(cls.__name__, (cls, httpx2_auth), namespace)
        twin = _TWINS.setdefault((cls, httpx2_auth), made)
    return twin
