"""MockProvider: the state of one mock authorization server and its protected API.

Clients, issued tokens, the clock and the request log live here; the HTTP behaviour lives in
:mod:`mock_provider.endpoints` and the protocol rules in the ``rfc*`` modules. One provider
can be reached in-process (httpx transports, respx) and on a socket at the same time.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from . import rfc8414
from .clock import Clock, ManualClock
from .faults import FaultQueue
from .quirks import Quirks
from .recording import RecordedRequest, RecordingHelpers
from .records import AUTH_METHODS, IssuedToken, RegisteredClient, Resource
from .scripting import ScriptingMixin
from .tokens import TokenStore

if TYPE_CHECKING:
    import httpx

    from .control import ControlSettings
    from .server import ProviderServer

__all__ = ["DEFAULT_ISSUER", "IssuedToken", "MockProvider", "RegisteredClient", "Resource"]

DEFAULT_ISSUER = "https://mock-oauth.test"
TOKEN_FORMATS = ("opaque", "jwt")


class MockProvider(TokenStore, ScriptingMixin, RecordingHelpers):
    """A conformant mock OAuth 2.0 authorization server (client credentials) and API.

    Args:
        issuer: the issuer URL; defaults to ``https://mock-oauth.test`` in-process and to
            the server's own URL once :meth:`serve` starts a socket server.
        clock: the provider clock; a fresh :class:`~mock_provider.ManualClock` by default.
        expires_in: default token lifetime in seconds.
        token_format: ``"opaque"`` or ``"jwt"`` (RFC 9068; needs the ``jwt`` extra).
        realm: the realm named in ``WWW-Authenticate`` challenges.
        token_path, revocation_path, introspection_path, me_path, jwks_path: endpoint paths,
            relative to the issuer's path.
        me_scopes: scopes a token needs to call the "me" API.
        basic_form_encoded: decode HTTP Basic credentials as RFC 6749 §2.3.1 says
            (form-urlencoded); ``False`` models providers that expect them raw.
        control: serve the HTTP control API under ``/_mock/`` (see :meth:`enable_control`).

    Raises:
        ValueError: for an invalid issuer, token format or lifetime.
    """

    def __init__(
        self,
        issuer: str | None = None,
        *,
        clock: Clock | None = None,
        expires_in: int = 3600,
        token_format: str = "opaque",
        realm: str = "mock-oauth",
        token_path: str = "/oauth/token",
        revocation_path: str = "/oauth/revoke",
        introspection_path: str = "/oauth/introspect",
        me_path: str = "/api/me",
        jwks_path: str = "/jwks.json",
        me_scopes: Iterable[str] = (),
        basic_form_encoded: bool = True,
        control: bool = False,
    ) -> None:
        if token_format not in TOKEN_FORMATS:
            raise ValueError(f"token_format must be one of {TOKEN_FORMATS}, got {token_format!r}")
        if isinstance(expires_in, bool) or not isinstance(expires_in, int) or expires_in < 0:
            raise ValueError(
                f"expires_in must be a whole number of seconds >= 0, got {expires_in!r}"
            )
        self._issuer = rfc8414.normalize_issuer(issuer) if issuer else None
        self.clock: Clock = clock if clock is not None else ManualClock()
        self.expires_in = expires_in
        self.token_format = token_format
        self.realm = realm
        self.basic_form_encoded = basic_form_encoded
        self.paths = {
            "token": _path(token_path),
            "revoke": _path(revocation_path),
            "introspect": _path(introspection_path),
            "jwks": _path(jwks_path),
        }
        self._lock = threading.RLock()
        self._clients: dict[str, RegisteredClient] = {}
        self._init_tokens()
        self._resources: dict[str, Resource] = {}
        self._recorded: list[RecordedRequest] = []
        self.add_resource("me", me_path, scopes=me_scopes)
        # Scripting state (faults, quirks, control API): see scripting.py.
        self.faults = FaultQueue()
        self._quirks = Quirks()
        self._client_quirks: dict[str, Quirks] = {}
        self.control: ControlSettings | None = None
        if control:
            self.enable_control()

    # -- URLs -----------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """The issuer URL (no trailing slash)."""
        return self._issuer or DEFAULT_ISSUER

    @property
    def issuer(self) -> str:
        """Same as :attr:`url`: the ``iss`` of tokens and metadata."""
        return self.url

    def _bind_issuer(self, url: str) -> None:
        """Adopt a server's URL as the issuer unless one was given explicitly."""
        if self._issuer is None:
            self._issuer = rfc8414.normalize_issuer(url)

    def bind_url(self, url: str) -> None:
        """:class:`~mock_provider.Served`: adopt the server's URL as issuer unless one was given."""
        self._bind_issuer(url)

    @property
    def token_url(self) -> str:
        """The token endpoint (RFC 6749 §3.2)."""
        return self.url + self.paths["token"]

    @property
    def revocation_url(self) -> str:
        """The revocation endpoint (RFC 7009)."""
        return self.url + self.paths["revoke"]

    @property
    def introspection_url(self) -> str:
        """The introspection endpoint (RFC 7662)."""
        return self.url + self.paths["introspect"]

    @property
    def me_url(self) -> str:
        """The protected "me" API (RFC 6750)."""
        return self.url + self._resources["me"].path

    @property
    def jwks_url(self) -> str:
        """The JSON Web Key Set (served in JWT mode)."""
        return self.url + self.paths["jwks"]

    @property
    def metadata_url(self) -> str:
        """The RFC 8414 metadata document, at the §3.1 well-known location."""
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.netloc}{rfc8414.metadata_path(self.url)}"

    def resource_url(self, name: str) -> str:
        """The URL of the protected resource registered as ``name``."""
        return self.url + self._resources[name].path

    def routes(self) -> dict[str, str]:
        """Every served path (as requested on the wire) mapped to its endpoint name."""
        base = urlsplit(self.url).path.rstrip("/")
        table = {base + path: name for name, path in self.paths.items()}
        table.update({base + r.path: r.name for r in self._resources.values()})
        table[rfc8414.metadata_path(self.url)] = "metadata"
        return table

    # -- clients --------------------------------------------------------------------------

    def add_client(
        self,
        client_id: str,
        client_secret: str,
        *,
        scopes: Iterable[str] = (),
        default_scopes: Iterable[str] | None = None,
        auth_methods: Iterable[str] = AUTH_METHODS,
        grant_types: Iterable[str] = ("client_credentials",),
        expires_in: int | None = None,
        audiences: Iterable[str] = (),
        me: Mapping[str, Any] | None = None,
    ) -> RegisteredClient:
        """Register (or replace) a client and return it.

        Raises:
            ValueError: for an empty client_id or secret, an unknown auth method, or default
                scopes outside ``scopes``.
        """
        if not client_id or not client_secret:
            raise ValueError("client_id and client_secret must be non-empty strings")
        methods = tuple(auth_methods)
        unknown = [m for m in methods if m not in AUTH_METHODS]
        if unknown or not methods:
            raise ValueError(
                f"auth_methods must be a non-empty subset of {AUTH_METHODS}, got {methods}"
            )
        allowed = tuple(dict.fromkeys(scopes))
        defaults = None if default_scopes is None else tuple(dict.fromkeys(default_scopes))
        if defaults is not None and not set(defaults) <= set(allowed):
            raise ValueError(f"default_scopes {defaults} must be among scopes {allowed}")
        client = RegisteredClient(
            client_id,
            client_secret,
            scopes=allowed,
            default_scopes=defaults,
            auth_methods=methods,
            grant_types=tuple(grant_types),
            expires_in=expires_in,
            audiences=tuple(audiences),
            me=dict(me or {}),
        )
        with self._lock:
            self._clients[client_id] = client
        return client

    def remove_client(self, client_id: str) -> None:
        """Forget a client; its tokens stop working. Raises ``KeyError`` if unknown."""
        with self._lock:
            del self._clients[client_id]
            for token in self._tokens.values():
                if token.client_id == client_id:
                    token.revoked = True

    @property
    def clients(self) -> Mapping[str, RegisteredClient]:
        """A snapshot of the registered clients by client_id."""
        with self._lock:
            return dict(self._clients)

    def client(self, client_id: str) -> RegisteredClient | None:
        """The registered client ``client_id``, or ``None``."""
        return self._clients.get(client_id)

    # -- protected resources --------------------------------------------------------------

    def add_resource(
        self,
        name: str,
        path: str,
        *,
        methods: Iterable[str] = ("GET",),
        scopes: Iterable[str] = (),
        body: Any = None,
    ) -> Resource:
        """Serve a protected API route at ``path`` (relative to the issuer's path).

        ``body`` is what it answers with a valid token: a JSON-ready value, a callable
        ``(token, client) -> value``, or ``None`` for the "me" description of the caller.
        A token lacking one of ``scopes`` gets 403 ``insufficient_scope``.
        """
        resource = Resource(
            name, _path(path), tuple(m.upper() for m in methods), tuple(scopes), body
        )
        with self._lock:
            self._resources[name] = resource
        return resource

    def resource(self, name: str) -> Resource:
        """The protected resource registered as ``name``. Raises ``KeyError`` if unknown."""
        return self._resources[name]

    # -- recording ------------------------------------------------------------------------

    def _record(self, entry: RecordedRequest) -> None:
        with self._lock:
            self._recorded.append(entry)

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received, oldest first, secrets redacted."""
        with self._lock:
            return list(self._recorded)

    @property
    def token_requests(self) -> list[RecordedRequest]:
        """The requests to the token endpoint, oldest first."""
        return [r for r in self.requests if r.endpoint == "token"]

    def clear_requests(self) -> None:
        """Forget the recorded requests."""
        with self._lock:
            self._recorded.clear()

    def reset(self) -> None:
        """Drop issued tokens and recorded requests (clients and settings stay)."""
        with self._lock:
            self._tokens.clear()
            self._recorded.clear()

    # -- ways to reach it -----------------------------------------------------------------

    def handle(self, request: Any) -> Any:
        """Answer one :class:`mock_provider.http.Request` with a ``Response``."""
        from .app import handle

        return handle(self, request)

    def wsgi_app(self) -> Callable[..., Iterable[bytes]]:
        """A WSGI application serving this provider (for any WSGI server)."""
        from .app import WSGIApp

        return WSGIApp(self)

    def transport(self) -> httpx.BaseTransport:
        """An ``httpx`` transport that answers every request in-process."""
        from .transports import ProviderTransport

        return ProviderTransport(self)

    def async_transport(self) -> httpx.AsyncBaseTransport:
        """An async ``httpx`` transport that answers every request in-process."""
        from .transports import AsyncProviderTransport

        return AsyncProviderTransport(self)

    def mock(self, *, assert_all_called: bool = False) -> Any:
        """A started-on-enter respx router that sends every httpx request for this
        provider's host to it, sync and async, including clients the code under test
        builds itself. Use as ``with provider.mock(): ...``."""
        from .transports import respx_router

        return respx_router(self, assert_all_called=assert_all_called)

    def serve(self, host: str = "127.0.0.1", port: int = 0, *, tls: bool = False) -> ProviderServer:
        """A threaded loopback server for this provider; use as a context manager.

        The provider adopts the server URL as its issuer unless one was given.
        """
        from .server import ProviderServer

        return ProviderServer(self, host=host, port=port, tls=tls)

    def __repr__(self) -> str:
        return (
            f"MockProvider(issuer={self.url!r}, clients={sorted(self._clients)!r}, "
            f"token_format={self.token_format!r})"
        )


def _path(path: str) -> str:
    if not path.startswith("/"):
        raise ValueError(f"endpoint paths start with '/', got {path!r}")
    return path
