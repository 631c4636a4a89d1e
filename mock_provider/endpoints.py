"""The provider's endpoints: each turns a parsed request into a response using the provider's
core (:mod:`mock_provider.state`) and the pure rules of :mod:`mock_provider.protocol`.

Every refusal is raised as an :class:`~mock_provider.protocol.errors.OAuthError` and
rendered by :mod:`mock_provider.app`; nothing here writes a secret into a description.

Layering: imports ``protocol``, ``faults`` and ``state``; types against
:class:`~mock_provider.state.core.ProviderCore`, never the facade.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from .faults.shaping import shape_token_response
from .protocol import rfc8414
from .protocol.errors import BearerError, InvalidClientError, OAuthError
from .protocol.http import Request, Response
from .protocol.redaction import fingerprint
from .protocol.rfc6749 import (
    Params,
    format_scope,
    parse_form,
    parse_parameters,
    parse_scope,
    presented_credentials,
)
from .protocol.rfc6750 import placed_token
from .state.core import ProviderCore
from .state.records import RegisteredClient, Resource

__all__ = [
    "ENDPOINTS",
    "NO_STORE",
    "RequestFacts",
    "introspect",
    "jwks",
    "metadata",
    "parse_query",
    "resource",
    "revoke",
    "token",
]

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


@dataclass
class RequestFacts:
    """What the provider learned about one request, for the request log."""

    request: Request
    query: Params
    form: Params | None = None
    client_id: str | None = None
    auth_method: str | None = None
    token: str | None = None


def parse_query(request: Request) -> Params:
    """The query string as parameters (repeated parameters refused as in RFC 6749 §3.1)."""
    return parse_parameters(request.query, where="URI query") if request.query else Params()


def _require_post(request: Request, allowed: str = "POST") -> None:
    if request.method != "POST":
        raise OAuthError(
            "invalid_request",
            f"{request.method} is not allowed here; use {allowed}",
            status=405,
            headers={"Allow": allowed},
        )


def _form(ex: RequestFacts, *, allow_charset: bool = True) -> Params:
    ex.form = parse_form(
        ex.request.body, ex.request.headers.get("Content-Type"), allow_charset=allow_charset
    )
    return ex.form


def authenticate(core: ProviderCore, ex: RequestFacts, form: Params) -> RegisteredClient:
    """Authenticate the client of a token, revocation or introspection request.

    Raises:
        OAuthError: ``invalid_request`` for mixed methods (§2.3), ``invalid_client`` for a
            missing, unknown or wrong client, or a method the client may not use (§5.2).
    """
    creds = presented_credentials(
        ex.request.headers,
        form,
        ex.query,
        realm=core.settings.realm,
        basic_form_encoded=core.settings.basic_form_encoded,
    )
    ex.client_id, ex.auth_method = creds.client_id, creds.method
    if creds.method is None or creds.client_secret is None or not creds.client_id:
        # §4.4: "The client credentials grant type MUST only be used by confidential
        # clients"; §3.2.1: confidential clients MUST authenticate.
        raise InvalidClientError(
            "client authentication is required: send HTTP Basic credentials "
            "(client_secret_basic) or client_id and client_secret in the body "
            "(client_secret_post)",
            realm=core.settings.realm,
        )
    client = core.registry.client(creds.client_id)
    # Compare against something even for an unknown client, so timing does not tell
    # which client ids exist.
    matched = (
        client.check_secret(creds.client_secret)
        if client is not None
        else _DUMMY.check_secret(creds.client_secret)
    )
    if client is None or not matched:
        raise InvalidClientError(
            "client authentication failed: unknown client_id or wrong client_secret",
            realm=core.settings.realm,
        )
    if creds.method not in client.auth_methods:
        raise InvalidClientError(
            f"this client may not authenticate with {creds.method}; "
            f"use {' or '.join(client.auth_methods)}",
            realm=core.settings.realm,
        )
    return client


def token(core: ProviderCore, ex: RequestFacts) -> Response:
    """``POST /oauth/token``: the client credentials grant (RFC 6749 §4.4), and the refresh
    grant (§6) for clients registered with ``refresh_tokens=True``."""
    _require_post(ex.request)  # §3.2: "The client MUST use the HTTP POST method"
    strict = core.quirks_for_request(ex.request, "token").reject_request_charset
    form = _form(ex, allow_charset=not strict)
    grant_type = form.get("grant_type")
    if grant_type is None:
        raise OAuthError("invalid_request", "missing grant_type (RFC 6749 §4.4.2)")
    if grant_type not in ("client_credentials", "refresh_token"):
        raise OAuthError(
            "unsupported_grant_type",
            f"grant_type {grant_type[:40]} is not supported; this provider issues tokens "
            "for grant_type=client_credentials (RFC 6749 §4.4)",
        )
    client = authenticate(core, ex, form)  # §6: "the client MUST authenticate" here too
    refreshing = grant_type == "refresh_token"
    if grant_type not in client.grant_types and not (refreshing and client.refresh_tokens):
        raise OAuthError(
            "unauthorized_client",
            f"client {client.client_id} may not use grant_type {grant_type}",
        )
    requested = parse_scope(form.get("scope"))
    quirks = core.scripting.quirks_for(client.client_id)
    store = core.token_store
    if refreshing:
        old, granted = store.refresh_tokens.redeem(client, form.get("refresh_token"), requested)
        issued, audience = store.issue(client, granted, old.audience), old.audience
        old.access_tokens.append(issued.value)
        # §6: "The authorization server MAY issue a new refresh token" (with rotation).
        renew = client.rotate_refresh_tokens
        refresh = (
            store.refresh_tokens.issue(client, old.scopes, audience, old.access_tokens)
            if renew
            else None
        )
    else:
        not_allowed = [s for s in requested if s not in client.scopes]
        if not_allowed:
            raise OAuthError(
                "invalid_scope",
                f"scope {format_scope(not_allowed)} is not allowed for this client; "
                f"allowed: {format_scope(client.scopes) or '(none)'}",
            )
        granted = requested or client.granted_by_default
        if quirks.narrow_scope is not None:
            granted = tuple(s for s in granted if s in quirks.narrow_scope)
        audience = _requested_audience(form, client)
        sticky = store.sticky(client.client_id, granted) if quirks.sticky_token else None
        issued = sticky or store.issue(client, granted, audience)
        # §4.4.3: "A refresh token SHOULD NOT be included" - unless the client is set to.
        wanted = client.refresh_tokens
        grant = [issued.value]
        refresh = store.refresh_tokens.issue(client, granted, audience, grant) if wanted else None
    lifetime = round(issued.expires_at - max(issued.issued_at, core.clock.time()))
    # §5.1: access_token, token_type and (RECOMMENDED) expires_in; scope is REQUIRED when
    # it differs from the request, so we send it whenever a scope was granted.
    body: dict[str, Any] = {
        "access_token": issued.value,
        "token_type": "Bearer",
        "expires_in": lifetime,
    }
    if granted:
        body["scope"] = format_scope(granted)
    if refresh is not None:
        body["refresh_token"] = refresh.value
    return shape_token_response(quirks, body, expires_at=issued.expires_at, headers=NO_STORE)


def _requested_audience(form: Params, client: RegisteredClient) -> tuple[str, ...]:
    """RFC 8707 ``resource`` values and the ``audience`` parameter, checked for the client."""
    resources = form.getlist("resource")
    for value in resources:
        parts = urlsplit(value)
        # RFC 8707 §2: "MUST be an absolute URI ... MUST NOT include a fragment component."
        if not parts.scheme or "#" in value:
            raise OAuthError(
                "invalid_target",
                "resource must be an absolute URI without a fragment (RFC 8707 §2)",
            )
    wanted = [*resources, *([form["audience"]] if "audience" in form else [])]
    if client.audiences:
        unknown = [a for a in wanted if a not in client.audiences]
        if unknown:
            raise OAuthError(
                "invalid_target",
                f"audience/resource {unknown[0][:80]} is not available to this client "
                "(RFC 8707 §2)",
            )
    return tuple(dict.fromkeys(wanted))


def _token_parameter(form: Params) -> str:
    value = form.get("token")
    if value is None:
        raise OAuthError("invalid_request", "missing token parameter")
    return value


def revoke(core: ProviderCore, ex: RequestFacts) -> Response:
    """``POST /oauth/revoke``: RFC 7009 token revocation."""
    _require_post(ex.request)  # §2.1: "an HTTP POST request"
    form = _form(ex)
    client = authenticate(core, ex, form)  # §2.1: "first validates the client credentials"
    value = _token_parameter(form)  # §2.1: token REQUIRED
    ex.token = fingerprint(value)
    # §2.1 token_type_hint is OPTIONAL and "If the server is unable to locate the token
    # using the given hint, it MUST extend its search across all of its supported token
    # types", so the hint never changes the outcome here.
    owner = core.token_store.client_of(value)  # an access or a refresh token
    if owner is not None and owner != client.client_id:
        # §2.1: the server "verifies whether the token was issued to the client making the
        # revocation request. If this validation fails, the request is refused and the
        # client is informed of the error".
        raise OAuthError(
            "unauthorized_client",
            "the token was not issued to this client, so this client may not revoke it",
        )
    core.token_store.revoke(value)
    # §2.2: "The authorization server responds with HTTP status code 200 if the token has
    # been revoked successfully or if the client submitted an invalid token."
    return Response(200, [("Cache-Control", "no-store"), ("Content-Length", "0")])


def introspect(core: ProviderCore, ex: RequestFacts) -> Response:
    """``POST /oauth/introspect``: RFC 7662 token introspection."""
    _require_post(ex.request)  # §2.1: "HTTP POST request"
    form = _form(ex)
    # §2.1: "the endpoint MUST also require some form of authorization".
    authenticate(core, ex, form)
    value = _token_parameter(form)
    ex.token = fingerprint(value)
    record = core.token_store.active_token(value)
    if record is None:
        # §2.2: for an inactive token "the authorization server ... MUST NOT include
        # any additional information" beyond active=false.
        return Response.json(200, {"active": False}, NO_STORE)
    body: dict[str, Any] = {
        "active": True,
        "scope": format_scope(record.scopes),
        "client_id": record.client_id,
        "token_type": "Bearer",
        "exp": int(record.expires_at),
        "iat": int(record.issued_at),
        "sub": record.client_id,
        "aud": record.audience[0] if len(record.audience) == 1 else list(record.audience),
        "iss": core.settings.url,
        "jti": record.jti,
    }
    if not record.scopes:
        del body["scope"]
    return Response.json(200, body, NO_STORE)


def resource(core: ProviderCore, res: Resource, ex: RequestFacts) -> Response:
    """A protected API (the "me" API by default): RFC 6750 bearer token required."""
    if ex.request.method not in res.methods:
        allowed = ", ".join(res.methods)
        raise OAuthError(
            "invalid_request",
            f"{ex.request.method} is not allowed here; use {allowed}",
            status=405,
            headers={"Allow": allowed},
        )
    form = Params()
    content_type = (ex.request.headers.get("Content-Type") or "").lower()
    if ex.request.body and content_type.startswith("application/x-www-form-urlencoded"):
        form = ex.form = parse_form(ex.request.body, content_type)
    value = placed_token(
        res.placement, ex.request.headers, ex.query, form, realm=core.settings.realm
    )
    ex.token = fingerprint(value)
    record = core.token_store.active_token(value)
    if record is None:
        known = core.token_store.find_token(value)
        why = (
            "the access token is unknown"
            if known is None
            else "the access token was revoked"
            if known.revoked
            else "the access token expired"
            if not known.is_active(core.clock.time())
            else "the access token's signing key was rotated out"
        )
        # §3.1 invalid_token: "expired, revoked, malformed, or invalid for other reasons".
        raise BearerError("invalid_token", why, status=401, realm=core.settings.realm)
    ex.client_id = record.client_id
    missing = [s for s in res.scopes if s not in record.scopes]
    if missing:
        # §3.1 insufficient_scope: 403, "MAY include the scope attribute with the scope
        # necessary to access the protected resource".
        raise BearerError(
            "insufficient_scope",
            f"this resource needs scope {format_scope(res.scopes)}",
            status=403,
            realm=core.settings.realm,
            scope=format_scope(res.scopes),
        )
    client = core.registry.client(record.client_id)
    if callable(res.body):
        body = res.body(record, client)
    elif res.body is not None:
        body = res.body
    else:
        body = core.describe_caller(record, client)
    return Response.json(200, body, {"Cache-Control": "no-store"})


def metadata(core: ProviderCore, ex: RequestFacts) -> Response:
    """``GET /.well-known/oauth-authorization-server``: RFC 8414 metadata."""
    if ex.request.method not in {"GET", "HEAD"}:
        raise OAuthError(
            "invalid_request",
            f"{ex.request.method} is not allowed here; use GET",
            status=405,
            headers={"Allow": "GET, HEAD"},
        )
    settings = core.settings
    scopes = sorted({s for c in core.registry.clients.values() for s in c.scopes})
    doc = rfc8414.metadata(
        settings.url,
        token_endpoint=settings.endpoint_url("token"),
        revocation_endpoint=settings.endpoint_url("revoke"),
        introspection_endpoint=settings.endpoint_url("introspect"),
        scopes=scopes,
        jwks_uri=settings.endpoint_url("jwks") if settings.token_format == "jwt" else None,
    )
    return Response.json(200, doc)


def jwks(core: ProviderCore, ex: RequestFacts) -> Response:
    """``GET /jwks.json``: the public signing keys (JWT mode only)."""
    if core.settings.token_format != "jwt":
        return Response.json(
            404,
            {
                "error": "not_found",
                "error_description": "this provider issues opaque tokens; there is no JWKS",
            },
        )
    return Response.json(200, core.token_store.signing_keys.jwks())


# A client that matches no request, compared against when the client_id is unknown.
_DUMMY = RegisteredClient("", "x" * 32)


ENDPOINTS: dict[str, Callable[[ProviderCore, RequestFacts], Response]] = {
    "token": token,
    "revoke": revoke,
    "introspect": introspect,
    "metadata": metadata,
    "jwks": jwks,
}
