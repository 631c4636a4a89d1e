"""The provider's core: the parts one provider holds, and the questions that span them.

:class:`ProviderCore` is what every module below the facade works with (endpoints, the
request handler, the control API): settings, clock, registered clients and resources, the
token store, the request log and the scripting (faults and quirks). Each part saves and
restores its own state; :meth:`ProviderCore.snapshot` only gathers theirs.

Layering: imports ``protocol``, ``faults`` and the other ``state`` modules; never
endpoints, app, control, transport or the facade.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from mock_provider.faults.answers import presented_client_id
from mock_provider.faults.fault import ENDPOINTS, Fault
from mock_provider.faults.quirks import Quirks
from mock_provider.faults.scripting import Scripting, ScriptingSnapshot
from mock_provider.protocol import oidc_discovery, rfc8414, rfc9728
from mock_provider.protocol.http import Request
from mock_provider.protocol.rfc6749 import format_scope

from .clients import ClientRegistry
from .clock import Clock
from .jti import JtiStore
from .log import RequestLog
from .records import IssuedToken, RegisteredClient, Resource
from .settings import Settings
from .tokens import TokenStore

__all__ = ["CONTROL_PREFIX", "ControlSettings", "CoreSnapshot", "ProviderCore"]

# The control API's reserved path prefix (always at the root of the server).
CONTROL_PREFIX = "/_mock/"

# A provider's route table (path -> endpoint name), and where its resources take tokens.
_Served = tuple[dict[str, str], tuple[str, ...], tuple[str, ...]]


@functools.lru_cache(maxsize=64)
def _served_paths(
    url: str,
    paths: tuple[tuple[str, str], ...],
    resources: tuple[tuple[str, str, str | None, str | None], ...],
) -> _Served:
    """The route table and token placements of an issuer, its endpoint paths and resources
    (shared by the providers that have the same; never modified)."""
    base = urlsplit(url).path.rstrip("/")
    table = {base + path: name for name, path in paths}
    table.update({base + path: name for name, path, _, _ in resources})
    table[rfc8414.metadata_path(url)] = "metadata"
    table[oidc_discovery.openid_configuration_path(url)] = "openid_configuration"
    for _, path, _, _ in resources:
        table[rfc9728.resource_metadata_path(url + path)] = "resource_metadata"
    headers = tuple(header for _, _, header, _ in resources if header is not None)
    params = tuple(query for _, _, _, query in resources if query is not None)
    return table, headers, params


@dataclass(frozen=True)
class CoreSnapshot:
    """Clients, quirks and queued faults of a provider at one moment (secrets stay in the
    client records, which never show them in ``repr``)."""

    clients: Mapping[str, RegisteredClient] = field(default_factory=dict, repr=False)
    scripting: ScriptingSnapshot = field(default_factory=ScriptingSnapshot)


@dataclass
class ControlSettings:
    """Whether control requests need a token, the ``Host`` names it answers for besides
    loopback and the provider's own (``"*"``: any), and the state ``POST /_mock/reset``
    restores. The token never appears in ``repr``.
    """

    token: str | None = field(default=None, repr=False)
    initial: CoreSnapshot | None = None
    allowed_hosts: tuple[str, ...] = ()


class ProviderCore:
    """The state of one mock authorization server and its protected API."""

    def __init__(self, settings: Settings, clock: Clock) -> None:
        self.settings = settings
        self.clock = clock
        self.registry = ClientRegistry()
        self.token_store = TokenStore(settings, clock)
        self.request_log = RequestLog()
        self.scripting = Scripting()
        # RFC 7523 §3 item 7: spent client-assertion jti values, aged by the provider clock.
        self.jti_store = JtiStore(clock.time)
        self.control: ControlSettings | None = None
        self.served_urls: list[str] = []  # the socket servers' URLs, as they were bound
        self._routes: tuple[tuple[str | None, int], _Served] | None = None

    def bind_url(self, url: str) -> None:
        """A server now serves this provider at ``url``: the issuer unless one was given."""
        if url not in self.served_urls:
            self.served_urls.append(url)
        self.settings.bind_url(url)

    def routes(self) -> dict[str, str]:
        """Every served path (as requested on the wire) mapped to its endpoint name."""
        return dict(self.served()[0])

    def endpoint_name(self, path: str) -> str | None:
        """The name of the endpoint served at ``path`` (as requested), or ``None``."""
        return self.served()[0].get(path)

    def served(self) -> _Served:
        """The route table (each served path, as requested on the wire, to its endpoint
        name; shared, never to be modified), and the header fields and query parameters the
        resources take their tokens in (so the request log fingerprints a custom one instead
        of showing it)."""
        # Kept until the issuer or the resources change (the endpoint paths are fixed when
        # the settings are made); built from what it depends on only, so providers set up
        # alike (one per test) share one table.
        key = (self.settings.issuer, self.registry.resources_version)  # url is issuer or default
        cached = self._routes
        if cached is not None and cached[0] == key:
            return cached[1]
        settings = self.settings
        resources = self.registry.resource_routes
        served = _served_paths(settings.url, tuple(settings.paths.items()), resources)
        self._routes = (key, served)
        return served

    def resource_metadata_path(self, resource: Resource) -> str:
        """The RFC 9728 §3.1 path of ``resource``'s metadata (inserted form)."""
        return rfc9728.resource_metadata_path(self.settings.url + resource.path)

    def resource_metadata_url(self, resource: Resource) -> str:
        """The RFC 9728 §3.1 URL of ``resource``'s metadata."""
        return rfc9728.resource_metadata_url(self.settings.url + resource.path)

    def fault_endpoints(self) -> list[str]:
        """Every endpoint name a fault can target: the built-in ones and the resources."""
        return list(dict.fromkeys([*ENDPOINTS, *self.registry.resources]))

    def remove_client(self, client_id: str) -> None:
        """Forget a client; its tokens stop working. Raises ``KeyError`` if unknown."""
        self.registry.remove_client(client_id)
        self.token_store.revoke_client(client_id)

    def describe_caller(
        self, record: IssuedToken, client: RegisteredClient | None
    ) -> dict[str, Any]:
        """The "me" answer: who the token belongs to, what it may do, and when it expires."""
        now = self.clock.time()
        body: dict[str, Any] = {
            "sub": record.client_id,
            "client_id": record.client_id,
            "scope": format_scope(record.scopes),
            "scopes": list(record.scopes),
            "aud": record.audience[0] if len(record.audience) == 1 else list(record.audience),
            "iss": self.settings.url,
            "iat": int(record.issued_at),
            "exp": int(record.expires_at),
            "expires_in": max(0, int(record.expires_at - now)),
        }
        if client is not None:
            body.update(client.me)
        return body

    # -- who a request claims to be, before it is checked ---------------------------------

    def presented_client_id(self, request: Request, endpoint: str | None) -> str | None:
        """The client a request claims to be from, unchecked (see :mod:`..faults.answers`)."""
        return presented_client_id(request, endpoint, self.token_store.client_of)

    def quirks_for_request(self, request: Request, endpoint: str | None) -> Quirks:
        """The quirks for the client ``request`` claims to come from (before it is checked)."""
        if not self.scripting.has_client_quirks:
            return self.scripting.quirks
        return self.scripting.quirks_for(self.presented_client_id(request, endpoint))

    def take_fault(self, endpoint: str | None, request: Request) -> Fault | None:
        """The queued fault that answers ``request`` (consumed), or ``None``."""
        faults = self.scripting.faults
        if endpoint is None or not faults:
            return None
        return faults.take(endpoint, self.presented_client_id(request, endpoint))

    # -- saved state ----------------------------------------------------------------------

    def snapshot(self) -> CoreSnapshot:
        """Clients, quirks and queued faults now, as their owners save them."""
        return CoreSnapshot(self.registry.snapshot(), self.scripting.snapshot())

    def restore(self, saved: CoreSnapshot) -> None:
        """Back to ``saved``: tokens and recorded requests are dropped, clients, quirks and
        faults replaced. The clock is left alone (it only moves on)."""
        self.reset()
        self.registry.restore(saved.clients)
        self.scripting.restore(saved.scripting)

    def reset(self) -> None:
        """Drop issued tokens and recorded requests (clients and settings stay)."""
        self.token_store.clear()
        self.request_log.clear()
        self.jti_store.clear()

    def enable_control(self, token: str | None = None, allowed_hosts: Iterable[str] = ()) -> None:
        """Serve the control API; its reset restores the state of this moment."""
        hosts = tuple(host.strip().lower() for host in allowed_hosts)
        self.control = ControlSettings(token=token, initial=self.snapshot(), allowed_hosts=hosts)
