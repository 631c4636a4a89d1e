"""The clients and protected resources registered with a provider.

Layering: imports ``protocol``, ``faults.options`` and ``state.records`` only.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from typing import Any

from mock_provider.faults.options import unknown_keywords
from mock_provider.protocol.rfc6750 import token_placement

from .records import CLIENT_OPTIONS, RegisteredClient, Resource, client_problems

__all__ = ["ClientRegistry"]


class ClientRegistry:
    """Registered clients by client_id, and protected resources by name. Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._clients: dict[str, RegisteredClient] = {}
        self._resources: dict[str, Resource] = {}
        self.resources_version = 0  # bumped on every add_resource (for cached route tables)

    def add_client(
        self, client_id: str, client_secret: str | None, **options: Any
    ) -> RegisteredClient:
        """Register (or replace) a client and return it.

        Raises:
            TypeError: for an unknown option.
            ValueError: for an empty client_id or secret, an unknown auth method, or default
                scopes outside ``scopes``.
        """
        call = "MockProvider.add_client"
        unknown_keywords(options, CLIENT_OPTIONS, call=call)
        if client_secret is None:  # as Python words it (a keyword typo is reported first)
            raise TypeError(f"{call}() missing 1 required positional argument: 'client_secret'")
        for name in ("scopes", "default_scopes", "auth_methods", "grant_types", "audiences"):
            if options.get(name) is not None:
                options[name] = tuple(dict.fromkeys(options[name]))
        if "me" in options:
            options["me"] = dict(options["me"] or {})
        client = RegisteredClient(client_id, client_secret, **options)
        problems = client_problems(client)
        if problems:
            raise ValueError("; ".join(message for _, message in problems))
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
        placement = token_placement(token_header, token_prefix, token_query)
        resource = Resource(
            name, path, tuple(m.upper() for m in methods), tuple(scopes), body, placement
        )
        with self._lock:
            self._resources[name] = resource
            self.resources_version += 1
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
