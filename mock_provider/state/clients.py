"""The clients and protected resources registered with a provider.

Layering: imports ``protocol``, ``faults.options`` and ``state.records`` only.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace
from typing import Any

from mock_provider.faults.options import unknown_keywords
from mock_provider.protocol.jwks import load_public_keys
from mock_provider.protocol.rfc6750 import token_placement

from .client_keys import RemoteJWKS
from .records import CLIENT_OPTIONS, RegisteredClient, Resource, client_problems

__all__ = ["ClientRegistry"]


class ClientRegistry:
    """Registered clients by client_id, and protected resources by name. Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._clients: dict[str, RegisteredClient] = {}
        self._resources: dict[str, Resource] = {}
        self.resources_version = 0  # bumped on every add_resource (for cached route tables)
        # What route tables are built from: (name, path, token header, token query) per
        # resource, strings only (hashed in C by the shared table's cache), kept current here.
        self.resource_routes: tuple[tuple[str, str, str | None, str | None], ...] = ()

    def add_client(
        self, client_id: str, client_secret: str | None, jwks_transport: Any = None, **options: Any
    ) -> RegisteredClient:
        """Register (or replace) a client and return it; ``jwks_transport`` is the httpx
        transport its ``jwks_uri`` is fetched through (plain httpx when ``None``).

        Raises:
            TypeError: for an unknown option, or neither a secret nor keys.
            ValueError: for an empty client_id or secret, an unknown auth method, a JWK Set
                that is not one of public keys, or default scopes outside ``scopes``.
        """
        client = None
        if jwks_transport is None and not _UNSHARED.intersection(options):
            try:  # (not contextlib.suppress: three Python calls per registration)
                client = _shared_record(client_id, client_secret, tuple(options.items()))
            except TypeError:  # an unhashable option, or refused: made (or refused) below
                client = None
        if client is None:
            client = _record(client_id, client_secret, jwks_transport, options)
        with self._lock:
            self._clients[client_id] = client
        return client

    def remove_client(self, client_id: str) -> None:
        """Forget a client. Raises ``KeyError`` if unknown."""
        with self._lock:
            del self._clients[client_id]

    @property
    def clients(self) -> dict[str, RegisteredClient]:
        """A copy of the registered clients by client_id."""
        with self._lock:
            return dict(self._clients)

    def client(self, client_id: str) -> RegisteredClient | None:
        """The registered client ``client_id``, or ``None``."""
        return self._clients.get(client_id)

    def add_resource(
        self,
        name: str,
        path: str,
        *,
        methods: Iterable[str] = ("GET",),
        scopes: Iterable[str] = (),
        body: Any = None,
        token_header: str = "Authorization",
        token_prefix: str = "Bearer ",
        token_query: str | None = None,
    ) -> Resource:
        """Serve a protected API route at ``path``; see ``MockProvider.add_resource``.

        Raises:
            ValueError: for a placement :func:`~mock_provider.protocol.token_placement`
                refuses.
        """
        resource = route = None
        if body is None and type(methods) is tuple and type(scopes) is tuple:
            # Every provider serves "me" as it was set up: one immutable record for all.
            try:
                resource, route = _plain_resource(
                    name, path, methods, scopes, token_header, token_prefix, token_query
                )
            except TypeError:  # an unhashable member: made as any other resource
                resource = route = None
        if resource is None or route is None:
            resource = _resource(
                name, path, methods, scopes, body, token_header, token_prefix, token_query
            )
            route = _route(resource)
        with self._lock:
            replaced = name in self._resources
            self._resources[name] = resource
            self.resources_version += 1
            if replaced:  # keeps its place, as in the dict
                self.resource_routes = tuple(_route(r) for r in self._resources.values())
            else:
                self.resource_routes += (route,)
        return resource

    def resource(self, name: str) -> Resource:
        """The protected resource ``name``. Raises ``KeyError`` if unknown."""
        return self._resources[name]

    @property
    def resources(self) -> dict[str, Resource]:
        """A copy of the protected resources by name."""
        with self._lock:
            return dict(self._resources)

    def snapshot(self) -> Mapping[str, RegisteredClient]:
        """The registered clients now (records are immutable, so a copy of the map)."""
        return self.clients

    def restore(self, saved: Mapping[str, RegisteredClient]) -> None:
        """Back to the clients of :meth:`snapshot`; resources are configuration and stay."""
        with self._lock:
            self._clients = dict(saved)


# Options a shared record cannot have: its keys (loaded per registration) and its "me"
# members (a mapping the caller handed in).
_UNSHARED = frozenset({"jwks", "jwks_uri", "me"})


class _NoMembers(Mapping[str, Any]):
    """The "me" members of a shared record: none, and none can be added. Shown, compared,
    copied and pickled as the empty dict a record made on its own holds."""

    def __getitem__(self, key: str) -> Any:
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0

    def __repr__(self) -> str:
        return "{}"


_NO_ME = _NoMembers()


@functools.lru_cache(maxsize=64)
def _shared_record(
    client_id: str, client_secret: str | None, options: tuple[tuple[str, Any], ...]
) -> RegisteredClient:
    # A suite registers the same client again and again (the fixtures' demo client, once
    # per test): a secret-only client is made and checked once. Records are frozen and its
    # "me" is read-only, so no provider can change what another one holds. A refused
    # registration raises here as below, and is not kept.
    return _record(client_id, client_secret, None, dict(options), me=_NO_ME)


def _record(
    client_id: str,
    client_secret: str | None,
    jwks_transport: Any,
    options: dict[str, Any],
    me: Mapping[str, Any] | None = None,
) -> RegisteredClient:
    call = "MockProvider.add_client"
    unknown_keywords(options, CLIENT_OPTIONS, call=call)
    keyless = options.get("jwks") is None and options.get("jwks_uri") is None
    if client_secret is None and keyless:  # as Python words it (typos are reported first)
        raise TypeError(f"{call}() missing 1 required positional argument: 'client_secret'")
    if options.get("auth_methods") is not None and not options["auth_methods"]:
        raise ValueError("auth_methods must be a non-empty list of auth methods, got []")
    for name in ("scopes", "default_scopes", "auth_methods", "grant_types", "audiences"):
        if options.get(name) is not None:
            options[name] = tuple(dict.fromkeys(options[name]))
    if options.get("auth_methods") is None:
        options.pop("auth_methods", None)
    if "me" in options:
        options["me"] = dict(options["me"] or {})
    if me is not None:
        options["me"] = me
    client = RegisteredClient(client_id, client_secret, **options)
    problems = client_problems(client)
    if problems:
        # A key problem names its place in the set ("jwks.keys[1]"), never a value.
        shown = [f"{f}: {m}" if f.startswith("jwks.") else m for f, m in problems]
        raise ValueError("; ".join(shown))
    if client.jwks is not None:
        # Imported once here, so each assertion only verifies (RFC 7517 rules checked).
        client = replace(client, keys=load_public_keys(client.jwks))
    elif client.jwks_uri is not None:
        client = replace(client, remote_keys=RemoteJWKS(client.jwks_uri, jwks_transport))
    return client


def _route(resource: Resource) -> tuple[str, str, str | None, str | None]:
    return (resource.name, resource.path, resource.placement.header, resource.placement.query)


def _resource(
    name: str,
    path: str,
    methods: Iterable[str],
    scopes: Iterable[str],
    body: Any,
    token_header: str,
    token_prefix: str,
    token_query: str | None,
) -> Resource:
    placement = token_placement(token_header, token_prefix, token_query)
    return Resource(name, path, tuple(m.upper() for m in methods), tuple(scopes), body, placement)


@functools.lru_cache(maxsize=64)
def _plain_resource(
    name: str,
    path: str,
    methods: tuple[str, ...],
    scopes: tuple[str, ...],
    token_header: str,
    token_prefix: str,
    token_query: str | None,
) -> tuple[Resource, tuple[str, str, str | None, str | None]]:
    # Resources are frozen records of immutable values: one made with the same options
    # (a path, tuples, no body) is the same resource wherever it is registered; its route
    # (strings only) is kept beside it.
    resource = _resource(name, path, methods, scopes, None, token_header, token_prefix, token_query)
    return resource, _route(resource)
