"""The discovery endpoints: what a client reads before it asks for a token.

RFC 8414 metadata (inserted form for path issuers), OpenID Connect Discovery 1.0 (appended
form), RFC 9728 protected-resource metadata for every protected API, the JWK Set, and the
authorization endpoint that exists only to refuse (the documents name it because clients
require the member). Every document is built from the provider's state when asked, so it
stays true: the methods and algorithms listed are the ones the endpoints accept.

Layering: imports ``protocol`` and ``state``; types against
:class:`~mock_provider.state.core.ProviderCore`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from .protocol import oidc_discovery, rfc8414, rfc9728
from .protocol.errors import OAuthError
from .protocol.http import Response
from .protocol.rfc6749 import AUTH_METHODS
from .state.core import ProviderCore

if TYPE_CHECKING:
    from .endpoints import RequestFacts

__all__ = ["DISCOVERY_ENDPOINTS"]

# Discovery documents may be cached by clients, unlike token responses (RFC 8414 §3.2 and
# OpenID Discovery §4.2 say nothing against it); a short max-age keeps scripted changes seen.
_CACHE = {"Cache-Control": "max-age=60"}


def _require_get(ex: RequestFacts) -> None:
    if ex.request.method not in {"GET", "HEAD"}:
        raise OAuthError(
            "invalid_request",
            f"{ex.request.method} is not allowed here; use GET",
            status=405,
            headers={"Allow": "GET, HEAD"},
        )


def _scopes(core: ProviderCore) -> list[str]:
    return sorted({s for c in core.registry.clients.values() for s in c.scopes})


def metadata(core: ProviderCore, ex: RequestFacts) -> Response:
    """``GET /.well-known/oauth-authorization-server{/path}``: RFC 8414 metadata."""
    _require_get(ex)
    settings = core.settings
    doc = rfc8414.metadata(
        settings.url,
        authorization_endpoint=settings.endpoint_url("authorize"),
        token_endpoint=settings.endpoint_url("token"),
        revocation_endpoint=settings.endpoint_url("revoke"),
        introspection_endpoint=settings.endpoint_url("introspect"),
        scopes=_scopes(core),
        jwks_uri=settings.endpoint_url("jwks") if settings.token_format == "jwt" else None,
    )
    return Response.json(200, doc)


def openid_configuration(core: ProviderCore, ex: RequestFacts) -> Response:
    """``GET {issuer}/.well-known/openid-configuration``: OpenID Connect Discovery 1.0 §4."""
    _require_get(ex)
    settings = core.settings
    doc = oidc_discovery.openid_configuration(
        settings.url,
        authorization_endpoint=settings.endpoint_url("authorize"),
        token_endpoint=settings.endpoint_url("token"),
        # §3: jwks_uri is REQUIRED, so the JWK Set is served in opaque mode too (empty).
        jwks_uri=settings.endpoint_url("jwks"),
        revocation_endpoint=settings.endpoint_url("revoke"),
        introspection_endpoint=settings.endpoint_url("introspect"),
        auth_methods=AUTH_METHODS,
        auth_signing_algs=rfc8414.auth_signing_algs(AUTH_METHODS),
        scopes=_scopes(core),
    )
    return Response.json(200, doc)


def authorize(core: ProviderCore, ex: RequestFacts) -> Response:
    """``/oauth/authorize``: refuses every request (RFC 6749 §4.1.2.1, see
    :func:`~mock_provider.protocol.oidc_discovery.authorization_refusal`)."""
    refusal = oidc_discovery.authorization_refusal(ex.query)
    return Response.json(refusal.status, refusal.body(), {"Cache-Control": "no-store"})


def resource_metadata(core: ProviderCore, ex: RequestFacts) -> Response:
    """``GET /.well-known/oauth-protected-resource{/path}``: RFC 9728 §3 for the resource
    whose metadata path was asked."""
    _require_get(ex)
    for res in core.registry.resources.values():
        if core.resource_metadata_path(res) == ex.request.path:
            doc = rfc9728.resource_metadata(
                core.settings.url + res.path,
                authorization_servers=[core.settings.url],
                scopes=list(res.scopes),
                # RFC 6750 §2.1 only: the resources refuse tokens in the query or body.
                bearer_methods=("header",),
            )
            return Response.json(200, doc, _CACHE)
    raise OAuthError("invalid_request", "no protected resource publishes metadata here", status=404)


def jwks(core: ProviderCore, ex: RequestFacts) -> Response:
    """``GET /jwks.json``: the public signing keys; an empty set in opaque mode, where no
    token is signed (OpenID Connect Discovery §3 requires a ``jwks_uri`` all the same)."""
    _require_get(ex)
    if core.settings.token_format != "jwt":
        return Response.json(200, {"keys": []}, _CACHE)
    return Response.json(200, core.token_store.signing_keys.jwks())


DISCOVERY_ENDPOINTS: dict[str, Callable[[ProviderCore, RequestFacts], Response]] = {
    "metadata": metadata,
    "openid_configuration": openid_configuration,
    "resource_metadata": resource_metadata,
    "authorize": authorize,
    "jwks": jwks,
}
