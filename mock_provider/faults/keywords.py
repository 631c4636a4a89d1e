"""The keyword options of the provider's scripting calls (``add_fault``, ``set_quirks``,
``add_client``, ``add_resource``, ``serve``) as ``TypedDict`` s, so a type checker and an IDE
know them (``**options: Unpack[FaultOptions]``, PEP 692).

The definitions stay where every surface reads them (the dataclass fields of
:class:`~mock_provider.faults.fault.Fault`, :class:`~mock_provider.faults.quirks.Quirks` and
:class:`~mock_provider.RegisteredClient`; the keywords of the resource registry and of
``ProviderServer``); these are their typed view for Python callers, and
``tests/faults/test_keywords.py`` holds the names of each pair equal. At run time an
unknown keyword is still Python's own ``TypeError``.

Layering: imports only the standard library.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypedDict

__all__ = ["ClientOptions", "FaultOptions", "QuirkOptions", "ResourceOptions", "ServeOptions"]


class FaultOptions(TypedDict, total=False):
    """What ``add_fault(endpoint, **options)`` takes besides the endpoint."""

    times: int | None
    every: int | None
    client_id: str | None
    status: int | None
    error: str | None
    error_description: str | None
    headers: Mapping[str, str]
    body: str | bytes | dict[str, Any] | None
    content_type: str | None
    retry_after: int | str | None
    delay: float
    drop: bool
    malformed: str | None


class QuirkOptions(TypedDict, total=False):
    """What ``set_quirks(**quirks)`` takes."""

    expires_in_as: str | None
    claimed_expires_in: int | None
    expires_at: str | None
    lifetime_ms: bool
    token_type: str | None
    nest_under: str | None
    extra_fields: Mapping[str, Any]
    narrow_scope: Iterable[str] | None
    sticky_token: bool
    form_encoded_response: bool
    response_charset: bool
    reject_request_charset: bool


class ClientOptions(TypedDict, total=False):
    """What ``add_client(client_id, client_secret, *, jwks, jwks_uri, auth_methods,
    jwks_transport, **options)`` takes as ``options``: the other fields of
    :class:`~mock_provider.RegisteredClient`."""

    scopes: Iterable[str]
    default_scopes: Iterable[str] | None
    grant_types: Iterable[str]
    expires_in: int | None
    audiences: Iterable[str]
    me: Mapping[str, Any]
    refresh_tokens: bool
    rotate_refresh_tokens: bool
    refresh_token_expires_in: int | None


class ResourceOptions(TypedDict, total=False):
    """What ``add_resource(name, path, **options)`` takes (the registry's keywords)."""

    methods: Iterable[str]
    scopes: Iterable[str]
    body: Any
    token_header: str
    token_prefix: str
    token_query: str | None


class ServeOptions(TypedDict, total=False):
    """What ``serve(host, port, **options)`` takes (``ProviderServer``'s keywords)."""

    tls: bool
    max_connections: int
    request_timeout: float
