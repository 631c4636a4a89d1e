"""RFC 9728 (OAuth 2.0 Protected Resource Metadata): the well-known location, the document,
and the ``resource_metadata`` parameter of a 401 challenge.

Layering: pure; imports the standard library only.

The MCP Python SDK, for one, starts here: it calls the protected API, reads
``resource_metadata=`` from the 401 ``WWW-Authenticate`` challenge, fetches this document and
follows ``authorization_servers`` to the provider's metadata.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit, urlunsplit

__all__ = [
    "WELL_KNOWN",
    "resource_metadata",
    "resource_metadata_param",
    "resource_metadata_path",
    "resource_metadata_url",
]

WELL_KNOWN = "/.well-known/oauth-protected-resource"


def _split_resource(resource: str) -> tuple[str, str, str, str]:
    parts = urlsplit(resource)
    # §1.2: the resource identifier is "a URL that uses the https scheme and has no fragment
    # component" (http is allowed here for loopback test servers).
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ValueError("a resource identifier must be an absolute http(s) URL (RFC 9728 §1.2)")
    if parts.fragment or resource.endswith("#"):
        raise ValueError("a resource identifier must have no fragment (RFC 9728 §1.2)")
    return parts.scheme, parts.netloc, parts.path, parts.query


def resource_metadata_url(resource: str) -> str:
    """Where the metadata of ``resource`` is published.

    §3.1: the well-known string "is inserted into the protected resource's resource
    identifier between the host component and the path and/or query components, if any";
    "any terminating slash (/) following the host component MUST be removed" first (the
    slash right after the host; a path's own trailing slash stays, as the MCP SDK reads it).
    So ``https://api.test/me`` publishes at
    ``https://api.test/.well-known/oauth-protected-resource/me``.

    Raises:
        ValueError: for a relative URL, another scheme, or a fragment.
    """
    scheme, netloc, path, query = _split_resource(resource)
    return urlunsplit((scheme, netloc, WELL_KNOWN + ("" if path == "/" else path), query, ""))


def resource_metadata_path(resource: str) -> str:
    """The path component of :func:`resource_metadata_url`, for routing."""
    return urlsplit(resource_metadata_url(resource)).path


def resource_metadata(
    resource: str,
    *,
    authorization_servers: Sequence[str],
    scopes: Sequence[str] | None = None,
    bearer_methods: Sequence[str] = ("header",),
) -> dict[str, Any]:
    """The §2 document.

    Args:
        resource: §2 REQUIRED, and §3.3: "The resource value returned MUST be identical to the
            protected resource's resource identifier value into which the well-known URI path
            suffix was inserted".
        authorization_servers: §2 OPTIONAL: issuer identifiers of the authorization servers
            the resource accepts tokens from (written always: clients need it to go on).
        scopes: ``scopes_supported``, §2 RECOMMENDED; omitted when ``None``.
        bearer_methods: ``bearer_methods_supported``: §2 "the supported methods of sending an
            OAuth 2.0 bearer token": ``header``, ``body``, ``query`` (RFC 6750 §2).

    Raises:
        ValueError: for a resource identifier §1.2 does not allow, or an unknown bearer method.
    """
    _split_resource(resource)
    unknown = set(bearer_methods) - {"header", "body", "query"}
    if unknown:
        raise ValueError("bearer_methods must be among 'header', 'body', 'query' (RFC 6750 §2)")
    doc: dict[str, Any] = {
        "resource": resource,
        "authorization_servers": list(authorization_servers),
        "bearer_methods_supported": list(bearer_methods),
    }
    if scopes is not None:
        doc["scopes_supported"] = list(scopes)
    return doc


def resource_metadata_param(metadata_url: str) -> str:
    """The ``resource_metadata="..."`` auth-param of a 401 ``WWW-Authenticate: Bearer`` challenge.

    §5.1: "resource_metadata: The URL of the protected resource metadata." Its value is an
    RFC 9110 §11.2 quoted-string, so a URL holding ``"`` or ``\\`` is refused rather than
    escaped (a well-formed URL percent-encodes both).

    Raises:
        ValueError: for a URL with a double quote, a backslash or a control character.
    """
    if any(char in metadata_url for char in '"\\') or not metadata_url.isprintable():
        raise ValueError("the resource metadata URL must not contain '\"', '\\' or controls")
    return f'resource_metadata="{metadata_url}"'
