"""The reference client's settings: one frozen :class:`ClientSettings`, built and validated once.

:func:`ClientSettings.build` takes exactly the keyword arguments of
:class:`~pytest_oauthcc.ClientCredentials`, checks them in the order the client documents
(so the first wrong argument is the one reported) and normalises them (URLs parsed, scopes
de-duplicated, the ``ms`` unit as a factor); every other part of the client reads this object.

Layering: imports httpx, :mod:`pytest_oauthcc.errors`, :mod:`.assertion`, :mod:`.checks`,
:mod:`.hosts`, :mod:`.retry`, :mod:`.single_flight`,
:mod:`.drive` (the default async sleeper) and :mod:`mock_provider.protocol` only.
"""

from __future__ import annotations

import ssl
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx

from mock_provider.protocol import CLIENT_SECRET_BASIC, TokenPlacement, fingerprint
from pytest_oauthcc.errors import ClientConfigurationError

from .assertion import AssertionSigner
from .checks import (
    assertion_signer,
    check_credentials,
    check_extra_params,
    check_lifetimes,
    check_resources,
    check_seconds,
    require_https,
    validate_scopes,
)
from .drive import anyio_sleep
from .hosts import HostRules
from .placement import check_placement
from .retry import RetryPolicy
from .single_flight import TokenCache

__all__ = ["ClientSettings", "SupportsTime"]


class SupportsTime(Protocol):
    """A clock: ``time()`` returns seconds (``mock_provider.ManualClock`` is one)."""

    def time(self) -> float:
        """Seconds, as a float (epoch seconds for a wall clock)."""
        ...


@dataclass(frozen=True, eq=False)
class ClientSettings:
    """Everything a :class:`~pytest_oauthcc.ClientCredentials` was configured with, checked.

    The attributes are the constructor's arguments after validation; see
    :class:`~pytest_oauthcc.ClientCredentials` for what each means. Differences: URLs are
    ``httpx.URL``, ``resources`` is a tuple, ``expires_in_unit`` is seconds per unit (1 or
    0.001), ``timeout`` is httpx's timeout dict, and ``cache_key`` names the token a
    :class:`TokenCache` shares between identically configured clients, ``signer`` holds the
    loaded key of the JWT methods (``None`` otherwise). Neither the secret nor the key
    appears in ``repr``.
    """

    token_url: httpx.URL
    client_id: str
    client_secret: str | None = field(repr=False)
    scopes: tuple[str, ...]
    auth_method: str
    basic_form_encode: bool
    signer: AssertionSigner | None = field(repr=False)
    assertion_audience: str | None
    extra_params: Mapping[str, str]
    audience: str | None
    resources: tuple[str, ...]
    hosts: HostRules = field(repr=False)
    revocation_url: httpx.URL | None
    renew_before: float
    default_expires_in: float
    expires_in_unit: float
    token_path: str
    expires_in_path: str | None
    placement: TokenPlacement
    clock: SupportsTime | None
    retry: RetryPolicy
    on_401: str
    expired_if: Callable[[httpx.Response], bool] | None
    timeout: dict[str, float | None]
    verify: ssl.SSLContext | bool = field(repr=False)
    sleep: Callable[[float], None] = field(repr=False)
    async_sleep: Callable[[float], Awaitable[None]] = field(repr=False)
    cache: TokenCache = field(repr=False)
    allow_insecure_http: bool
    flight_timeout: float
    cache_key: tuple[Any, ...] = field(repr=False)

    @classmethod
    def build(
        cls,
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
    ) -> ClientSettings:
        """Check the client's arguments and return them as settings.

        Raises:
            ClientConfigurationError: for the first invalid argument; the message says
                which and why.
        """
        insecure = allow_insecure_http
        url = require_https(token_url, "token_url", allow_insecure_http=insecure)
        revocation = (
            None
            if revocation_url is None
            else require_https(revocation_url, "revocation_url", allow_insecure_http=insecure)
        )
        check_credentials(
            client_id,
            client_secret,
            auth_method,
            basic_form_encode,
            has_key=private_key is not None,
        )
        signer = assertion_signer(
            auth_method,
            client_secret,
            private_key,
            key_id=key_id,
            assertion_alg=assertion_alg,
            assertion_audience=assertion_audience,
        )
        checked_scopes = validate_scopes(scopes)
        if not isinstance(verify, bool | ssl.SSLContext):
            raise ClientConfigurationError(
                f"verify must be True, False or an ssl.SSLContext, got {type(verify).__name__}"
            )
        params = check_extra_params(extra_params)
        resources = check_resources(resource)
        hosts = HostRules(allowed_hosts)
        check_seconds(renew_before=renew_before, flight_timeout=flight_timeout)
        check_lifetimes(
            default_expires_in=default_expires_in,
            expires_in_unit=expires_in_unit,
            on_401=on_401,
            token_path=token_path,
        )
        if expires_in_path is not None:
            check_lifetimes(
                default_expires_in=default_expires_in,
                expires_in_unit=expires_in_unit,
                on_401=on_401,
                token_path=expires_in_path,
            )
        placement = check_placement(token_header, token_prefix, token_query)
        return cls(
            token_url=url,
            client_id=client_id,
            client_secret=client_secret,
            scopes=checked_scopes,
            auth_method=auth_method,
            basic_form_encode=basic_form_encode,
            signer=signer,
            assertion_audience=assertion_audience,
            extra_params=params,
            audience=audience,
            resources=resources,
            hosts=hosts,
            revocation_url=revocation,
            renew_before=float(renew_before),
            default_expires_in=float(default_expires_in),
            expires_in_unit=0.001 if expires_in_unit == "ms" else 1.0,
            token_path=token_path,
            expires_in_path=expires_in_path,
            placement=placement,
            clock=clock,
            retry=retry if retry is not None else RetryPolicy(),
            on_401=on_401,
            expired_if=expired_if,
            timeout=httpx.Timeout(timeout).as_dict(),
            verify=verify,
            sleep=sleep if sleep is not None else time.sleep,
            async_sleep=async_sleep if async_sleep is not None else anyio_sleep,
            cache=cache if cache is not None else TokenCache(),
            allow_insecure_http=insecure,
            flight_timeout=float(flight_timeout),
            cache_key=(
                str(url),
                client_id,
                # The credential, never in clear: the secret's fingerprint or the public
                # key's RFC 7638 thumbprint.
                fingerprint(client_secret)
                if client_secret is not None
                else (signer.thumbprint if signer is not None else None),
                tuple(sorted(checked_scopes)),
                audience,
                resources,
                tuple(sorted(params.items())),
            ),
        )

    def own_client_options(self) -> dict[str, Any]:
        """The ``httpx.Client`` arguments of the client's own short-lived HTTP client
        (``revoke()`` without one): its TLS verification and timeout, no redirects."""
        return {
            "verify": self.verify,
            "timeout": httpx.Timeout(**self.timeout),
            "follow_redirects": False,
        }

    def credential_fingerprint(self) -> str:
        """``client_secret=fp:...``, or ``private_key=fp:...`` (of the public key's
        thumbprint): names the credential in a repr, shows nothing of it."""
        if self.client_secret is None and self.signer is not None:
            return f"private_key={fingerprint(self.signer.thumbprint or '')}"
        return f"client_secret={fingerprint(self.client_secret or '')}"

    def monotonic(self) -> float:
        """Now on the client's monotonic clock (the injected clock's, if it has one)."""
        if self.clock is None:
            return time.monotonic()
        monotonic = getattr(self.clock, "monotonic", None)
        return float(monotonic() if callable(monotonic) else self.clock.time())

    def wall(self) -> float:
        """Now on the client's wall clock (epoch seconds)."""
        return time.time() if self.clock is None else float(self.clock.time())
