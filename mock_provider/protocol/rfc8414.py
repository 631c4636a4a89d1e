"""RFC 8414 (Authorization Server Metadata): the well-known location and the document.

Layering: pure; imports only ``protocol.rfc6749`` (the auth method names).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from .rfc6749 import AUTH_METHODS

__all__ = ["WELL_KNOWN", "metadata_path", "normalize_issuer"]

WELL_KNOWN = "/.well-known/oauth-authorization-server"


def normalize_issuer(issuer: str) -> str:
    """Validate an issuer URL and drop a trailing slash.

    §2: the issuer is "a URL that uses the https scheme and has no query or fragment
    components" (http is allowed here for loopback test servers).

    Raises:
        ValueError: for a relative URL, another scheme, a query or a fragment.
    """
    parts = urlsplit(issuer)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ValueError(f"issuer must be an absolute http(s) URL, got {issuer!r}")
    if parts.query or parts.fragment or issuer.endswith(("?", "#")):
        raise ValueError(f"issuer must have no query or fragment (RFC 8414 §2), got {issuer!r}")
    return issuer.rstrip("/")


def metadata_path(issuer: str) -> str:
    """The path of the metadata document for ``issuer``.

    §3.1: "the well-known URI string ... is inserted into the authorization server's issuer
    identifier between the host component and the path component, if any": an issuer of
    ``https://example.com/tenant`` publishes at ``/.well-known/oauth-authorization-server/tenant``.
    """
    path = urlsplit(issuer).path.rstrip("/")
    return WELL_KNOWN + path


def metadata(
    issuer: str,
    *,
    token_endpoint: str,
    revocation_endpoint: str,
    introspection_endpoint: str,
    scopes: list[str],
    jwks_uri: str | None,
    auth_methods: Sequence[str] = AUTH_METHODS,
) -> dict[str, Any]:
    """The §2 metadata document; ``issuer`` is returned exactly as given (§3.3)."""
    methods = list(auth_methods)
    doc: dict[str, Any] = {
        "issuer": issuer,
        "token_endpoint": token_endpoint,
        "token_endpoint_auth_methods_supported": methods,
        "grant_types_supported": ["client_credentials"],
        "response_types_supported": [],
        "revocation_endpoint": revocation_endpoint,
        "revocation_endpoint_auth_methods_supported": methods,
        "introspection_endpoint": introspection_endpoint,
        "introspection_endpoint_auth_methods_supported": methods,
        "scopes_supported": scopes,
    }
    if jwks_uri is not None:
        doc["jwks_uri"] = jwks_uri
    return doc
