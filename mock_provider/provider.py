"""MockProvider: the facade users hold, over the provider's core and the ways to reach it.

The state lives in :mod:`mock_provider.state` and :mod:`mock_provider.faults`, held together
by a :class:`~mock_provider.state.core.ProviderCore`; the HTTP behaviour is in :mod:`.app`
and :mod:`.endpoints`. One provider is reached in-process and on a socket at once.

Layering: the top of the provider; the only module that reaches down into ``transport``.
Nothing below imports it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from .app import handle as handle_request
from .faults.fault import Fault
from .faults.queue import FaultQueue
from .faults.quirks import Quirks
from .protocol.errors import MockProviderError
from .protocol.http import Request, Response
from .state.clock import Clock, ManualClock
from .state.core import ControlSettings, ProviderCore
from .state.keys import SigningKeys
from .state.log import DEFAULT_MAX_REQUESTS, RecordedRequest
from .state.records import IssuedRefreshToken, IssuedToken, RegisteredClient, Resource
from .state.settings import DEFAULT_ISSUER, Settings, endpoint_path
from .urls import ProviderURLs

if TYPE_CHECKING:
    import httpx
    from typing_extensions import Unpack

    from .faults.keywords import (
        ClientOptions,
        FaultOptions,
        QuirkOptions,
        ResourceOptions,
        ServeOptions,
    )
    from .transport.server import ProviderServer

__all__ = ["DEFAULT_ISSUER", "IssuedToken", "MockProvider", "RegisteredClient", "Resource"]


class MockProvider(ProviderURLs):
    """A conformant mock OAuth 2.0 authorization server (client credentials) and API.

    Args:
        issuer: the issuer URL; ``https://mock-oauth.test``, or the server's once served.
        clock: the provider clock; a fresh :class:`~mock_provider.ManualClock` by default.
        expires_in: default token lifetime in seconds.
        token_format: ``"opaque"`` or ``"jwt"`` (RFC 9068; needs the ``jwt`` extra).
        access_token_alg: the JWS algorithm of JWT access tokens: ``"RS256"`` (RFC 9068
            §2.1's required one), RS384/RS512, PS256/PS384/PS512, ES256/ES384/ES512 or
            EdDSA (Ed25519); its key is published at ``/jwks.json`` with this ``alg``.
        realm: the realm named in ``WWW-Authenticate`` challenges.
        token_path, revocation_path, introspection_path, me_path, jwks_path,
            authorization_path: endpoint paths, relative to the issuer's path (the
            authorization endpoint refuses every request); me_scopes: what "me" needs.
        basic_form_encoded: decode HTTP Basic credentials form-urlencoded (RFC 6749
            §2.3.1); ``False`` models providers that expect them raw.
        control: serve the HTTP control API under ``/_mock/`` (see :meth:`enable_control`).
        max_requests: how many requests the log keeps (the oldest are dropped, counted).

    Raises:
        ValueError: for an invalid issuer, token format, signing algorithm, lifetime or
            ``max_requests``.
    """

    def __init__(
        self,
        issuer: str | None = None,
        *,
        clock: Clock | None = None,
        expires_in: int = 3600,
        token_format: str = "opaque",
        access_token_alg: str = "RS256",
        realm: str = "mock-oauth",
        token_path: str = "/oauth/token",
        revocation_path: str = "/oauth/revoke",
        introspection_path: str = "/oauth/introspect",
        me_path: str = "/api/me",
        jwks_path: str = "/jwks.json",
        authorization_path: str = "/oauth/authorize",
        me_scopes: Iterable[str] = (),
        basic_form_encoded: bool = True,
        control: bool = False,
        max_requests: int = DEFAULT_MAX_REQUESTS,
    ) -> None:
        paths = {"token": token_path, "revoke": revocation_path, "introspect": introspection_path}
        paths |= {"jwks": jwks_path, "authorize": authorization_path}
        settings = Settings(
            issuer, expires_in, token_format, realm, basic_form_encoded, paths, access_token_alg
        )
        self.core = ProviderCore(settings, clock if clock is not None else ManualClock())
        if type(max_requests) is not int or max_requests != DEFAULT_MAX_REQUESTS:
            self.core.request_log.max_requests = max_requests  # validated there
        self.add_resource("me", me_path, scopes=me_scopes)
        if control:
            self.enable_control()

    @property
    def clock(self) -> Clock:
        """The provider clock (``advance(seconds)`` on a manual or system clock)."""
        return self.core.clock

    @property
    def expires_in(self) -> int:
        """The default token lifetime in seconds."""
        return self.core.settings.expires_in

    @property
    def token_format(self) -> str:
        """``"opaque"`` or ``"jwt"``."""
        return self.core.settings.token_format

    @property
    def access_token_alg(self) -> str:
        """The JWS algorithm JWT access tokens are signed with (``"RS256"`` by default)."""
        return self.core.settings.access_token_alg

    @property
    def realm(self) -> str:
        """The realm of ``WWW-Authenticate`` challenges."""
        return self.core.settings.realm

    def add_client(
        self,
        client_id: str,
        client_secret: str | None = None,
        *,
        jwks: Mapping[str, Any] | None = None,
        jwks_uri: str | None = None,
        auth_methods: Iterable[str] | None = None,
        jwks_transport: httpx.BaseTransport | None = None,
        **options: Unpack[ClientOptions],
    ) -> RegisteredClient:
        """Register (or replace) a client and return it.

        Args:
            client_secret: its secret (``client_secret_basic``, ``_post``, ``_jwt``).
            jwks, jwks_uri: its public keys for ``private_key_jwt``: a JWK Set (public
                members only), or its URL, fetched at first use through ``jwks_transport``
                (an httpx transport; plain httpx when ``None``) and again for an unknown key.
            auth_methods: narrows the methods the secret and keys allow.
            options: the other fields of :class:`~mock_provider.RegisteredClient`
                (``scopes``, ``default_scopes``, ``grant_types``, ``expires_in``,
                ``audiences``, ``me``, ``refresh_tokens``, ``rotate_refresh_tokens``,
                ``refresh_token_expires_in``).

        Raises ``TypeError`` for an unknown option or neither secret nor keys,
        ``ValueError`` for an empty client_id or secret, a JWK Set with a private member,
        an auth method it cannot use, or default scopes outside ``scopes``.
        """
        keys = {"jwks": jwks, "jwks_uri": jwks_uri, "auth_methods": auth_methods}
        given: dict[str, Any] = {k: v for k, v in keys.items() if v is not None}
        registry = self.core.registry
        return registry.add_client(client_id, client_secret, jwks_transport, **options, **given)

    def remove_client(self, client_id: str) -> None:
        """Forget a client; its tokens stop working. Raises ``KeyError`` if unknown."""
        self.core.remove_client(client_id)

    @property
    def clients(self) -> dict[str, RegisteredClient]:
        """A snapshot of the registered clients by client_id."""
        return self.core.registry.clients

    def client(self, client_id: str) -> RegisteredClient | None:
        """The registered client ``client_id``, or ``None``."""
        return self.core.registry.client(client_id)

    def add_resource(self, name: str, path: str, **options: Unpack[ResourceOptions]) -> Resource:
        """Serve a protected API route at ``path`` (relative to the issuer's path). Options:
        ``methods``; ``scopes`` (a token lacking one gets 403); ``body``, what a valid token
        gets (JSON-ready, a callable ``(token, client) -> value``, or ``None`` for the "me"
        answer); ``token_header`` / ``token_prefix`` / ``token_query``, where it takes the
        token (``Authorization: Bearer`` by default; others are refused)."""
        return self.core.registry.add_resource(name, endpoint_path(path), **options)

    def resource(self, name: str) -> Resource:
        """The protected resource registered as ``name``. Raises ``KeyError`` if unknown."""
        return self.core.registry.resource(name)

    @property
    def signing_keys(self) -> SigningKeys:
        """The JWT signing keys (created on first use; needs the ``jwt`` extra)."""
        return self.core.token_store.signing_keys

    def issue_token(
        self,
        client_id: str,
        *,
        scopes: Iterable[str] | None = None,
        audience: Iterable[str] = (),
        expires_in: int | None = None,
    ) -> IssuedToken:
        """Issue a token to a registered client directly, as the token endpoint would.
        Raises :class:`~mock_provider.MockProviderError` if ``client_id`` is not registered."""
        client = self.core.registry.client(client_id)
        if client is None:
            raise MockProviderError(f"no client registered as {client_id!r}")
        granted = client.granted_by_default if scopes is None else tuple(scopes)
        return self.core.token_store.issue(client, granted, tuple(audience), expires_in)

    def find_token(self, value: str) -> IssuedToken | None:
        """The record of an issued token (active or not), or ``None`` if unknown."""
        return self.core.token_store.find_token(value)

    def active_token(self, value: str) -> IssuedToken | None:
        """The record of ``value`` if it is an active token right now, else ``None``."""
        return self.core.token_store.active_token(value)

    @property
    def tokens(self) -> list[IssuedToken]:
        """Every token still held, oldest first."""
        return self.core.token_store.tokens

    @property
    def refresh_tokens(self) -> list[IssuedRefreshToken]:
        """Every refresh token issued (``refresh_tokens=True`` clients), oldest first."""
        return self.core.token_store.refresh_tokens.tokens

    def revoke(self, value: str) -> bool:
        """Revoke one token; return whether it was known and active."""
        return self.core.token_store.revoke(value)

    def revoke_all(self) -> int:
        """Revoke every token; return how many were active."""
        return self.core.token_store.revoke_all()

    def expire(self, value: str) -> None:
        """Make one token expire now (its ``expires_at`` becomes the current time)."""
        self.core.token_store.expire(value)

    def rotate_signing_key(self) -> None:
        """Replace the JWT signing key: older tokens fail at the protected API and
        introspection, the JWKS serves only the new key. Needs the ``jwt`` extra."""
        self.core.token_store.rotate_signing_key()

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received, oldest first, secrets redacted."""
        return self.core.request_log.entries

    @property
    def token_requests(self) -> list[RecordedRequest]:
        """The requests to the token endpoint, oldest first."""
        return self.core.request_log.find(endpoint="token")

    def find_requests(self, **filters: Any) -> list[RecordedRequest]:
        """Recorded requests matching ``filters`` (attributes, ``scope``, a raw ``token``)."""
        return self.core.request_log.find(**filters)

    def count_token_requests(self, client_id: str | None = None, scope: str | None = None) -> int:
        """How many token requests arrived, optionally from ``client_id`` / asking ``scope``."""
        given = {k: v for k, v in (("client_id", client_id), ("scope", scope)) if v is not None}
        return len(self.core.request_log.find(endpoint="token", **given))

    def last_token_request(self) -> RecordedRequest:
        """The latest token request (``form``: its redacted parameters; ``auth_method``).
        Raises ``AssertionError`` when none was received (listing what was)."""
        return self.core.request_log.last_token_request()

    def requests_with_token(self, token: str) -> list[RecordedRequest]:
        """The requests that carried ``token`` (as a bearer or ``token`` parameter)."""
        return self.core.request_log.find(token=token)

    def assert_requests(self, count: int, **filters: Any) -> list[RecordedRequest]:
        """Assert that exactly ``count`` recorded requests match ``filters``; return them.
        Raises ``AssertionError`` otherwise, listing every request received."""
        __tracebackhide__ = True
        return self.core.request_log.assert_count(count, **filters)

    def assert_token_requests(self, count: int, **filters: Any) -> list[RecordedRequest]:
        """:meth:`assert_requests` for token requests only."""
        __tracebackhide__ = True
        return self.core.request_log.assert_count(count, endpoint="token", **filters)

    def clear_requests(self) -> None:
        """Forget the recorded requests."""
        self.core.request_log.clear()

    def reset(self) -> None:
        """Drop issued tokens and recorded requests (clients and settings stay)."""
        self.core.reset()

    @property
    def faults(self) -> FaultQueue:
        """The queued faults (``pending``, ``fired``, ``unfired()``)."""
        return self.core.scripting.faults

    def add_fault(self, endpoint: str, **options: Unpack[FaultOptions]) -> Fault:
        """Queue a scripted failure for ``endpoint`` (``token``, ``revoke``, ``introspect``,
        ``me``, ``metadata``, ``jwks`` or a resource's name) and return it. ``options`` are
        the fields of :class:`~mock_provider.Fault` (``times``, ``every``, ``client_id``,
        ``status``, ``error``, ``error_description``, ``headers``, ``body``, ``content_type``,
        ``retry_after``, ``delay``, ``drop``, ``malformed``). Raises ``TypeError`` for an
        unknown option, ``ValueError`` for an unknown endpoint or a bad value."""
        return self.core.scripting.add_fault(endpoint, self.core.fault_endpoints(), **options)

    def clear_faults(self) -> None:
        """Drop every queued fault, cutting short any request waiting on a fault's delay."""
        self.core.scripting.faults.clear()

    @property
    def quirks(self) -> Quirks:
        """The provider-wide token-response quirks."""
        return self.core.scripting.quirks

    @property
    def client_quirks(self) -> dict[str, Quirks]:
        """The per-client quirks, by client_id."""
        return self.core.scripting.client_quirks

    def set_quirks(self, *, client_id: str | None = None, **quirks: Unpack[QuirkOptions]) -> Quirks:
        """Switch on token-response quirks (:class:`~mock_provider.Quirks`), provider-wide
        or for one client; return them. Calls accumulate; a client's own quirks win.
        Raises ``TypeError`` for an unknown quirk name, ``ValueError`` for a bad value."""
        return self.core.scripting.set_quirks(client_id, **quirks)

    def clear_quirks(self, *, client_id: str | None = None) -> None:
        """Back to conformant responses: for one client, or everywhere (``None``)."""
        self.core.scripting.clear_quirks(client_id)

    def quirks_for(self, client_id: str | None) -> Quirks:
        """The quirks in force for ``client_id``: its own on top of the provider-wide ones."""
        return self.core.scripting.quirks_for(client_id)

    @property
    def control(self) -> ControlSettings | None:
        """The control API's settings, or ``None`` while it is off."""
        return self.core.control

    def enable_control(
        self, token: str | None = None, *, allowed_hosts: Iterable[str] = ()
    ) -> None:
        """Serve the control API under ``/_mock/`` (with ``token``: ``Authorization: Bearer``;
        ``allowed_hosts``: more ``Host`` names, ``"*"`` any); a reset restores this state."""
        self.core.enable_control(token, allowed_hosts)

    def disable_control(self) -> None:
        """Stop serving the control API; ``/_mock/`` paths answer 404 again."""
        self.core.control = None

    def handle(self, request: Request) -> Response:
        """Answer one :class:`~mock_provider.protocol.Request` with a ``Response``."""
        return handle_request(self.core, request)

    def wsgi_app(self) -> Callable[..., Iterable[bytes]]:
        """A WSGI application serving this provider (for any WSGI server)."""
        from .transport.wsgi import WSGIApp

        return WSGIApp(self)

    def transport(self) -> httpx.BaseTransport:
        """An ``httpx`` transport that answers every request in-process."""
        from .transport.inprocess import ProviderTransport

        return ProviderTransport(self)

    def async_transport(self) -> httpx.AsyncBaseTransport:
        """An async ``httpx`` transport that answers every request in-process."""
        from .transport.inprocess import AsyncProviderTransport

        return AsyncProviderTransport(self)

    def mock(self, *, assert_all_called: bool = False) -> Any:
        """A respx router (``with provider.mock(): ...``) sending every httpx request for
        this provider's host to it, including clients the code under test builds."""
        from .transport.inprocess import respx_router

        return respx_router(self, self.url, assert_all_called=assert_all_called)

    def serve(
        self, host: str = "127.0.0.1", port: int = 0, **options: Unpack[ServeOptions]
    ) -> ProviderServer:
        """A threaded loopback server for this provider (a context manager); it becomes the
        issuer unless one was given. ``options``: ``tls``, ``max_connections``,
        ``request_timeout`` (see :class:`~mock_provider.ProviderServer`)."""
        from .transport.server import ProviderServer

        return ProviderServer(self, host=host, port=port, **options)

    def __repr__(self) -> str:
        return (
            f"MockProvider(issuer={self.url!r}, clients={sorted(self.clients)!r}, "
            f"token_format={self.token_format!r}, access_token_alg={self.access_token_alg!r})"
        )
