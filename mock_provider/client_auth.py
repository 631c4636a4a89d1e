"""Client authentication at the token, revocation and introspection endpoints.

RFC 6749 §2.3.1 client secrets (HTTP Basic or the body) and RFC 7523 §2.2 client assertions
(``client_secret_jwt``, ``private_key_jwt``), checked against the registered client. Every
refusal is ``invalid_client`` (401 with the one challenge :class:`InvalidClientError`
builds) whose description names the rule that failed and never echoes what was sent.

Layering: imports ``protocol`` and ``state``; types against
:class:`~mock_provider.state.core.ProviderCore`. The endpoints import it.
"""

from __future__ import annotations

import base64
import binascii
import functools
import json
from typing import Protocol
from urllib.parse import urlsplit

from .protocol.errors import InvalidClientError
from .protocol.http import Request
from .protocol.jwks import PublicKey
from .protocol.rfc6749 import Params, PresentedCredentials, presented_credentials
from .protocol.rfc7523 import (
    CLIENT_SECRET_JWT,
    HMAC_ALGORITHMS,
    PRIVATE_KEY_JWT,
    AssertionRejected,
    claim_assertion,
    verify_client_assertion,
)
from .protocol.rfc8414 import issuer_spellings
from .state.client_keys import JWKSFetchError
from .state.core import ProviderCore
from .state.records import RegisteredClient

__all__ = ["RequestFacts", "assertion_method", "authenticate"]


class RequestFacts(Protocol):
    """What authentication reads of a request and records about it (the endpoints'
    ``RequestFacts``; structural, so this module does not import the endpoints)."""

    request: Request
    query: Params
    client_id: str | None
    auth_method: str | None


# Key-choice rules an assertion fails when the cached set lacks the key its header names: a
# rotated key at the client's jwks_uri, worth one fresh fetch (RFC 7591 §2: jwks_uri "allow[s]
# for key rotation"). Not "alg": a header refusal (alg none) shares that name.
_KEY_RULES = frozenset({"kid", "x5t", "x5t#S256", "x5c"})
# A client that matches no request, compared against when the client_id is unknown.
_DUMMY = RegisteredClient("", "x" * 32)


def authenticate(core: ProviderCore, ex: RequestFacts, form: Params) -> RegisteredClient:
    """Authenticate the client of a token, revocation or introspection request.

    Raises:
        OAuthError: ``invalid_request`` for mixed methods (RFC 6749 §2.3), ``invalid_client``
            for a missing, unknown or wrong client, a refused assertion, or a method the
            client may not use (§5.2).
    """
    realm = core.settings.realm
    creds = presented_credentials(
        ex.request.headers,
        form,
        ex.query,
        realm=realm,
        basic_form_encoded=core.settings.basic_form_encoded,
    )
    ex.client_id, ex.auth_method = creds.client_id, creds.method
    if creds.has_assertion:
        return _assertion_client(core, ex, creds)
    if creds.method is None or creds.client_secret is None or not creds.client_id:
        # §4.4: "The client credentials grant type MUST only be used by confidential
        # clients"; §3.2.1: confidential clients MUST authenticate.
        raise InvalidClientError(
            "client authentication is required: send HTTP Basic credentials "
            "(client_secret_basic) or client_id and client_secret in the body "
            "(client_secret_post)",
            realm=realm,
        )
    client = core.registry.client(creds.client_id)
    # Compare against something even for an unknown client, so timing does not tell
    # which client ids exist.
    matched = (client or _DUMMY).check_secret(creds.client_secret)
    if client is None or not matched:
        raise InvalidClientError(
            "client authentication failed: unknown client_id or wrong client_secret",
            realm=realm,
        )
    _require_method(client, creds.method, realm)
    return client


def _require_method(client: RegisteredClient, method: str, realm: str) -> None:
    if method not in client.auth_methods:
        raise InvalidClientError(
            f"this client may not authenticate with {method}; "
            f"use {' or '.join(client.auth_methods)}",
            realm=realm,
        )


def _assertion_client(
    core: ProviderCore, ex: RequestFacts, creds: PresentedCredentials
) -> RegisteredClient:
    """RFC 7523 §2.2: the client named by a verified ``client_assertion``."""
    realm = core.settings.realm
    try:
        # Whom the assertion claims to be, to find its keys: nothing is trusted yet.
        # Decoded once: the verification below reads the same parsed JWT.
        claimed = claim_assertion(creds.assertion, creds.assertion_type, creds.client_id)
    except AssertionRejected as rejected:
        raise InvalidClientError(rejected.description, realm=realm) from None
    ex.client_id = claimed.client_id
    client = core.registry.client(ex.client_id)
    if client is None:
        raise InvalidClientError(
            "client authentication failed: the client_assertion names an unknown client",
            realm=realm,
        )
    settings = core.settings
    audiences = _audiences(settings.url, settings.paths["token"], ex.request.path)
    # Recorded as the method its alg implies until verified; the keys at a jwks_uri are
    # fetched only for a private_key_jwt assertion.
    ex.auth_method = _method_of(claimed.header.get("alg"))
    for attempt in range(2):
        try:
            verified = verify_client_assertion(
                claimed,
                creds.assertion_type,
                client_id=creds.client_id,
                secret=client.client_secret,
                secret_key=client.hmac_key if ex.auth_method == CLIENT_SECRET_JWT else None,
                keys=_keys(client, ex.auth_method, refresh=attempt > 0),
                auth_methods=client.auth_methods,
                audiences=audiences,
                now=core.clock.time(),
                replay=core.jti_store,
            )
        except AssertionRejected as rejected:
            if attempt == 0 and client.remote_keys is not None and rejected.rule in _KEY_RULES:
                continue
            raise InvalidClientError(rejected.description, realm=realm) from None
        except JWKSFetchError as failed:
            raise InvalidClientError(str(failed), realm=realm) from None
        ex.auth_method = verified.method
        return client
    raise AssertionError("unreachable: the second attempt returns or raises")


@functools.lru_cache(maxsize=64)
def _audiences(issuer: str, token_path: str, path: str) -> frozenset[str]:
    """The ``aud`` values an assertion sent to ``path`` may name (a provider's few endpoints
    and issuers: computed once each, keyed by the strings the settings hold, not by a token
    endpoint URL joined per request)."""
    token_url = issuer + token_path  # Settings.endpoint_url("token")
    origin = urlsplit(issuer)
    called = f"{origin.scheme}://{origin.netloc}{path}"
    # RFC 7523 §3 item 3: the token endpoint URL as the audience; the issuer is accepted too
    # (RFC 7523bis, MCP SDK), and so is the URL of the endpoint called (Authlib at revoke).
    # RFC 3986 §6.2.3: a path-less issuer with a trailing slash is the same URL.
    return frozenset({*issuer_spellings(issuer), token_url, called})


def _keys(client: RegisteredClient, method: str | None, *, refresh: bool) -> tuple[PublicKey, ...]:
    if client.remote_keys is None or method != PRIVATE_KEY_JWT:
        return client.keys
    return client.remote_keys.keys(refresh=refresh)


def assertion_method(assertion: str | None) -> str | None:
    """The method an assertion's (unverified) ``alg`` header implies, or ``None``."""
    try:
        encoded = (assertion or "").partition(".")[0]
        header = json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))
        alg = header.get("alg") if isinstance(header, dict) else None
    except (ValueError, binascii.Error):
        return None
    return _method_of(alg)


def _method_of(alg: object) -> str | None:
    if not isinstance(alg, str) or alg == "none":
        return None
    return CLIENT_SECRET_JWT if alg in HMAC_ALGORITHMS else PRIVATE_KEY_JWT
