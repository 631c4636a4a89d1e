"""OpenID Connect Discovery 1.0 §3-§4 builders, and RFC 6749 §4.1.2.1 at the authorization
endpoint (pure functions; the endpoint tests come with the wiring)."""

from __future__ import annotations

import pytest

from mock_provider.protocol.oidc_discovery import (
    authorization_refusal,
    openid_configuration,
    openid_configuration_path,
    openid_configuration_url,
)
from mock_provider.protocol.rfc7523 import SIGNING_ALGORITHMS

ISSUER = "https://idp.test/tenant"
ALL_METHODS = ["client_secret_basic", "client_secret_post", "client_secret_jwt", "private_key_jwt"]
ALGS = [*SIGNING_ALGORITHMS["client_secret_jwt"], *SIGNING_ALGORITHMS["private_key_jwt"]]


def _document(**overrides: object) -> dict[str, object]:
    arguments: dict[str, object] = {
        "authorization_endpoint": ISSUER + "/oauth/authorize",
        "token_endpoint": ISSUER + "/oauth/token",
        "jwks_uri": ISSUER + "/jwks.json",
        "revocation_endpoint": ISSUER + "/oauth/revoke",
        "introspection_endpoint": ISSUER + "/oauth/introspect",
        "auth_methods": ALL_METHODS,
        "auth_signing_algs": ALGS,
    }
    arguments.update(overrides)
    return openid_configuration(ISSUER, **arguments)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("issuer", "url"),
    [
        pytest.param(
            "https://idp.test", "https://idp.test/.well-known/openid-configuration", id="host"
        ),
        pytest.param(
            "https://idp.test/tenant",
            "https://idp.test/tenant/.well-known/openid-configuration",
            id="path-appended",
        ),
        pytest.param(
            "https://idp.test/tenant/",
            "https://idp.test/tenant/.well-known/openid-configuration",
            id="terminating-slash-removed",
        ),
    ],
)
def test_oidc_discovery_4_the_document_is_appended_to_the_issuer(issuer: str, url: str) -> None:
    assert openid_configuration_url(issuer) == url
    assert openid_configuration_path(issuer) == url.removeprefix("https://idp.test")


def test_oidc_discovery_3_the_document_holds_the_required_and_oauth_members() -> None:
    assert _document(scopes=["read", "write"]) == {
        "issuer": ISSUER,
        "authorization_endpoint": ISSUER + "/oauth/authorize",
        "token_endpoint": ISSUER + "/oauth/token",
        "jwks_uri": ISSUER + "/jwks.json",
        "response_types_supported": [],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "grant_types_supported": ["client_credentials"],
        "token_endpoint_auth_methods_supported": ALL_METHODS,
        "token_endpoint_auth_signing_alg_values_supported": ALGS,
        "revocation_endpoint": ISSUER + "/oauth/revoke",
        "revocation_endpoint_auth_methods_supported": ALL_METHODS,
        "revocation_endpoint_auth_signing_alg_values_supported": ALGS,
        "introspection_endpoint": ISSUER + "/oauth/introspect",
        "introspection_endpoint_auth_methods_supported": ALL_METHODS,
        "introspection_endpoint_auth_signing_alg_values_supported": ALGS,
        "scopes_supported": ["read", "write"],
    }


def test_oidc_discovery_4_3_issuer_is_exactly_the_issuer() -> None:
    assert _document()["issuer"] == ISSUER


def test_oidc_discovery_3_signing_algs_only_with_a_jwt_method_and_never_none() -> None:
    secrets_only = _document(auth_methods=["client_secret_basic"])
    assert "token_endpoint_auth_signing_alg_values_supported" not in secrets_only
    assert "scopes_supported" not in secrets_only
    with_none = _document(auth_signing_algs=["none", "RS256"])
    assert with_none["token_endpoint_auth_signing_alg_values_supported"] == ["RS256"]


def test_oidc_discovery_3_id_token_signing_algs_include_rs256() -> None:
    assert "RS256" in _document()["id_token_signing_alg_values_supported"]  # type: ignore[operator]


@pytest.mark.parametrize(
    "params",
    [
        pytest.param({}, id="no-parameters"),
        pytest.param({"response_type": "code", "client_id": "client-7c1f"}, id="code"),
        pytest.param(
            {"response_type": "token id_token", "redirect_uri": "https://x.test/cb"}, id="token"
        ),
    ],
)
def test_rfc6749_4_1_2_1_the_authorization_endpoint_refuses_every_request(
    params: dict[str, str],
) -> None:
    refusal = authorization_refusal(params)
    assert refusal.status == 400
    assert refusal.body() == {
        "error": "unsupported_response_type",
        "error_description": (
            "this provider serves the client credentials grant only: no response_type is "
            "supported at the authorization endpoint (RFC 6749 section 4.1.2.1)"
        ),
    }
    for value in params.values():
        assert value not in refusal.description
