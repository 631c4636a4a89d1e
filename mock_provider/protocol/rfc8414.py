"""RFC 8414 (Authorization Server Metadata): the well-known location and the document.

Layering: pure; imports only ``protocol.rfc6749`` and ``protocol.rfc7523`` (the auth method
names and the algorithms of the JWT methods).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from .rfc6749 import AUTH_METHODS
from .rfc7523 import SIGNING_ALGORITHMS

__all__ = [
    "WELL_KNOWN",
    "auth_signing_algs",
    "issuer_spellings",
    "metadata",
    "metadata_path",
    "normalize_issuer",
]

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


def issuer_spellings(issuer: str) -> tuple[str, ...]:
    """The ways of writing ``issuer`` (as :func:`normalize_issuer` keeps it) that name it.

    RFC 3986 §6.2.3: for http(s) "an empty path component" is "equivalent to an absolute
    path of '/'", so ``https://host`` and ``https://host/`` are one URL (Auth0 writes its
    issuers with the slash). A path issuer has one spelling: ``https://host/tenant/`` is
    another URL than ``https://host/tenant``.
    """
    if urlsplit(issuer).path:
        return (issuer,)
    return (issuer, issuer + "/")


def metadata_path(issuer: str) -> str:
    """The path of the metadata document for ``issuer``.

    §3.1: "the well-known URI string ... is inserted into the authorization server's issuer
    identifier between the host component and the path component, if any": an issuer of
    ``https://example.com/tenant`` publishes at ``/.well-known/oauth-authorization-server/tenant``.
    """
    path = urlsplit(issuer).path.rstrip("/")
    return WELL_KNOWN + path


def auth_signing_algs(auth_methods: Sequence[str]) -> list[str]:
    """The JWS algorithms of the JWT client authentication methods among ``auth_methods``."""
    return [alg for method in auth_methods for alg in SIGNING_ALGORITHMS.get(method, ())]


def metadata(
    issuer: str,
    *,
    authorization_endpoint: str,
    token_endpoint: str,
    revocation_endpoint: str,
    introspection_endpoint: str,
    scopes: Sequence[str] | None,
    jwks_uri: str | None,
    auth_methods: Sequence[str] = AUTH_METHODS,
    signing_algs: Sequence[str] | None = None,
    grant_types: Sequence[str] = ("client_credentials",),
    response_types: Sequence[str] = (),
) -> dict[str, Any]:
    """The §2 metadata document; ``issuer`` is returned exactly as given (§3.3).

    §2: ``authorization_endpoint`` is "REQUIRED unless no grant types are supported that use
    the authorization endpoint"; clients such as the MCP SDK require it anyway, so the
    provider serves one that refuses every request and names it here. ``signing_algs`` are
    the JWS algorithms of the JWT client authentication methods (default: all of theirs
    among ``auth_methods``), written only when a JWT method is listed; ``scopes_supported``
    (RECOMMENDED) is left out when ``scopes`` is ``None``. OpenID Connect Discovery's
    document is this one with the OpenID members added
    (:func:`~mock_provider.protocol.oidc_discovery.openid_configuration`).
    """
    methods = list(auth_methods)
    doc: dict[str, Any] = {
        "issuer": issuer,
        "authorization_endpoint": authorization_endpoint,
        "token_endpoint": token_endpoint,
        "token_endpoint_auth_methods_supported": methods,
        "grant_types_supported": list(grant_types),
        "response_types_supported": list(response_types),
        "revocation_endpoint": revocation_endpoint,
        "revocation_endpoint_auth_methods_supported": methods,
        "introspection_endpoint": introspection_endpoint,
        "introspection_endpoint_auth_methods_supported": methods,
    }
    if scopes is not None:
        doc["scopes_supported"] = list(scopes)
    algs = auth_signing_algs(methods) if signing_algs is None else list(signing_algs)
    if algs and set(SIGNING_ALGORITHMS) & set(methods):
        # §2: "..._auth_signing_alg_values_supported": the JWS algorithms for the JWT a
        # client authenticates with at that endpoint; "The value none MUST NOT be used."
        algs = [alg for alg in algs if alg != "none"]
        for endpoint in ("token", "revocation", "introspection"):
            doc[f"{endpoint}_endpoint_auth_signing_alg_values_supported"] = algs
    if jwks_uri is not None:
        doc["jwks_uri"] = jwks_uri
    return doc
