"""OpenID Connect Discovery 1.0 §3-§4, and the authorization endpoint that refuses everything.

Layering: pure; imports the standard library and :mod:`.rfc8414` (the OAuth members).

The discovery document is what MSAL's ``oidc_authority`` and other OpenID clients read
before a client-credentials request: it carries the OAuth members of RFC 8414 too. The
provider serves the client credentials grant only, yet clients validate documents that
require ``authorization_endpoint``, so that endpoint exists and refuses every request
(:func:`authorization_refusal`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from .rfc8414 import metadata

__all__ = [
    "OPENID_CONFIGURATION",
    "AuthorizationRefusal",
    "authorization_refusal",
    "openid_configuration",
    "openid_configuration_path",
    "openid_configuration_url",
]

OPENID_CONFIGURATION = "/.well-known/openid-configuration"


def openid_configuration_url(issuer: str) -> str:
    """Where the document of ``issuer`` is published.

    §4: "OpenID Providers supporting Discovery MUST make a JSON document available at the
    path formed by concatenating the string /.well-known/openid-configuration to the
    Issuer" - appended after the path, unlike RFC 8414's inserted form: an issuer of
    ``https://idp.test/tenant`` publishes at
    ``https://idp.test/tenant/.well-known/openid-configuration``.
    """
    # §4.1: "If the Issuer value contains a path component, any terminating / MUST be
    # removed before appending /.well-known/openid-configuration."
    return issuer.rstrip("/") + OPENID_CONFIGURATION


def openid_configuration_path(issuer: str) -> str:
    """The path component of :func:`openid_configuration_url`, for routing."""
    return urlsplit(openid_configuration_url(issuer)).path


def openid_configuration(
    issuer: str,
    *,
    authorization_endpoint: str,
    token_endpoint: str,
    jwks_uri: str,
    revocation_endpoint: str,
    introspection_endpoint: str,
    auth_methods: Sequence[str],
    auth_signing_algs: Sequence[str],
    scopes: Sequence[str] | None = None,
    grant_types: Sequence[str] = ("client_credentials",),
    response_types: Sequence[str] = (),
    id_token_signing_algs: Sequence[str] = ("RS256",),
    subject_types: Sequence[str] = ("public",),
) -> dict[str, Any]:
    """The §3 provider metadata, with the OAuth members of RFC 8414 §2 and RFC 8414 §2's names
    for revocation (RFC 7009) and introspection (RFC 7662).

    Args:
        issuer: returned exactly as given: §4.3 "The issuer value returned MUST be identical
            to the Issuer URL that was used as the prefix to /.well-known/openid-configuration".
        auth_methods: the RFC 8414 names accepted at all three endpoints.
        auth_signing_algs: the JWS algorithms accepted for client_secret_jwt and
            private_key_jwt assertions; the ``..._auth_signing_alg_values_supported``
            members are written only when a JWT method is listed.
        scopes: ``scopes_supported`` (§3: RECOMMENDED), omitted when ``None``.
        response_types: §3 REQUIRED; empty, since no response type is served.
        id_token_signing_algs: §3 REQUIRED: "The algorithm RS256 MUST be included."
        subject_types: §3 REQUIRED: "Valid types include pairwise and public."
    """
    # The OAuth members are RFC 8414's document, built once there; §3 adds the OpenID ones.
    doc = metadata(
        issuer,
        authorization_endpoint=authorization_endpoint,
        token_endpoint=token_endpoint,
        revocation_endpoint=revocation_endpoint,
        introspection_endpoint=introspection_endpoint,
        scopes=scopes,
        jwks_uri=jwks_uri,
        auth_methods=auth_methods,
        signing_algs=auth_signing_algs,
        grant_types=grant_types,
        response_types=response_types,
    )
    doc["subject_types_supported"] = list(subject_types)
    doc["id_token_signing_alg_values_supported"] = list(id_token_signing_algs)
    return doc


@dataclass(frozen=True)
class AuthorizationRefusal:
    """What the authorization endpoint answers: an RFC 6749 §5.2-style JSON error, 400."""

    error: str
    description: str
    status: int = 400

    def body(self) -> dict[str, str]:
        """The JSON members of the answer."""
        return {"error": self.error, "error_description": self.description}


def authorization_refusal(params: Mapping[str, str]) -> AuthorizationRefusal:
    """The answer to any request at the authorization endpoint, whatever ``params`` hold.

    RFC 6749 §4.1.2.1 / §4.2.2.1: a server that does not support "obtaining an authorization
    code [or an access token] using this method" answers ``unsupported_response_type``. The
    RFCs redirect that error to the client's redirection URI, but they also say "If the
    request fails due to a missing, invalid, or mismatching redirection URI ... the
    authorization server ... MUST NOT automatically redirect the user-agent to the invalid
    redirection URI": this provider registers no redirection URI, so every one is invalid,
    and the error is answered directly as a 400 JSON body. Nothing of ``params`` is echoed.
    """
    del params  # every request is refused the same way; nothing of it is echoed
    return AuthorizationRefusal(
        error="unsupported_response_type",
        description=(
            "this provider serves the client credentials grant only: no response_type is "
            "supported at the authorization endpoint (RFC 6749 section 4.1.2.1)"
        ),
    )
