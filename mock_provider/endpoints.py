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

from .client_auth import authenticate
from .faults.shaping import shape_token_response
from .protocol.errors import BearerError, OAuthError
from .protocol.http import Request, Response
from .protocol.redaction import fingerprint
from .protocol.rfc6749 import (
    Params,
    format_scope,
    parse_form,
    parse_parameters,
    parse_scope,
)
from .protocol.rfc6750 import placed_token
from .state.core import ProviderCore
from .state.records import RegisteredClient, Resource

__all__ = [
    "ENDPOINTS",
    "NO_STORE",
    "RequestFacts",
    "introspect",
    "parse_query",
    "resource",
    "revoke",
    "token",
]

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


@dataclass(slots=True)
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


def token(core: ProviderCore, ex: RequestFacts) -> Response:
    """``POST /oauth/token``: the client credentials grant (RFC 6749 §4.4), and the refresh
    grant (§6) for clients registered with ``refresh_tokens=True``."""
    request = ex.request
    _require_post(request)  # §3.2: "The client MUST use the HTTP POST method"
    strict = core.quirks_for_request(request, "token").reject_request_charset
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
    scope = form.get("scope")
    requested = parse_scope(scope) if scope is not None else ()
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
        not_allowed = [s for s in requested if s not in client.scopes] if requested else None
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
        refresh = (
            store.refresh_tokens.issue(client, granted, audience, [issued.value])
            if client.refresh_tokens
            else None
        )
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
    if not form.multi and "audience" not in form:  # most requests name no audience
        return ()
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
    # RFC 9728 §5.1: the challenge names the resource's metadata, where clients (the MCP
    # SDK) learn which authorization server to ask.
    metadata_url = core.resource_metadata_url(res)
    realm = core.settings.realm
    value = placed_token(
        res.placement,
        ex.request.headers,
        ex.query,
        form,
        realm=realm,
        resource_metadata=metadata_url,
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
        raise BearerError(
            "invalid_token", why, status=401, realm=realm, resource_metadata=metadata_url
        )
    ex.client_id = record.client_id
    missing = [s for s in res.scopes if s not in record.scopes]
    if missing:
        # §3.1 insufficient_scope: 403, "MAY include the scope attribute with the scope
        # necessary to access the protected resource".
        raise BearerError(
            "insufficient_scope",
            f"this resource needs scope {format_scope(res.scopes)}",
            status=403,
            realm=realm,
            scope=format_scope(res.scopes),
            resource_metadata=metadata_url,
        )
    client = core.registry.client(record.client_id)
    if callable(res.body):
        body = res.body(record, client)
    elif res.body is not None:
        body = res.body
    else:
        body = core.describe_caller(record, client)
    return Response.json(200, body, {"Cache-Control": "no-store"})


ENDPOINTS: dict[str, Callable[[ProviderCore, RequestFacts], Response]] = {
    "token": token,
    "revoke": revoke,
    "introspect": introspect,
}
