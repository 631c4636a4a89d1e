"""Independent, widely used OAuth clients against the socket-served provider.

Authlib (requests flavour), httpx-auth and requests-oauthlib + oauthlib each obtain a token
with their own code and call the "me" API; Authlib's revocation makes the API answer 401.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import httpx_auth
import pytest
from authlib.integrations.requests_client import OAuth2Session as AuthlibSession
from oauthlib.oauth2 import BackendApplicationClient
from requests_oauthlib import OAuth2Session

from mock_provider import MockProvider

CLIENT_ID = "interop-client"
CLIENT_SECRET = "interop-secret-3f9a"


@pytest.fixture
def provider() -> Iterator[MockProvider]:
    """A provider on a loopback socket with one client allowed scopes read and write."""
    provider = MockProvider()
    provider.add_client(
        CLIENT_ID, CLIENT_SECRET, scopes=("read", "write"), me={"app": {"id": "app-42"}}
    )
    with provider.serve():
        yield provider


@pytest.mark.parametrize("auth_method", ["client_secret_basic", "client_secret_post"])
def test_authlib_fetches_token_calls_me_and_revokes(
    provider: MockProvider, auth_method: str
) -> None:
    with AuthlibSession(
        CLIENT_ID, CLIENT_SECRET, token_endpoint_auth_method=auth_method, scope="read"
    ) as session:
        token = session.fetch_token(provider.token_url, grant_type="client_credentials", timeout=5)
        assert token["token_type"] == "Bearer"
        assert token["scope"] == "read"
        assert provider.token_requests[-1].auth_method == auth_method
        me = session.get(provider.me_url, timeout=5)
        assert me.status_code == 200
        assert me.json()["client_id"] == CLIENT_ID
        assert me.json()["app"] == {"id": "app-42"}
        revoked = session.revoke_token(
            provider.revocation_url, token=token["access_token"], timeout=5
        )
        assert revoked.status_code == 200
        after = session.get(provider.me_url, timeout=5)
    assert after.status_code == 401
    assert after.headers["WWW-Authenticate"] == (
        'Bearer realm="mock-oauth", error="invalid_token", '
        'error_description="the access token was revoked", '
        f'resource_metadata="{provider.url}/.well-known/oauth-protected-resource/api/me"'
    )


def test_httpx_auth_client_credentials(provider: MockProvider) -> None:
    auth = httpx_auth.OAuth2ClientCredentials(
        provider.token_url, client_id=CLIENT_ID, client_secret=CLIENT_SECRET, scope="write"
    )
    try:
        with httpx.Client(timeout=5) as http:
            me = http.get(provider.me_url, auth=auth)
            again = http.get(provider.me_url, auth=auth)
    finally:
        httpx_auth.OAuth2.token_cache.clear()
    assert me.status_code == 200
    assert me.json()["scopes"] == ["write"]
    assert again.status_code == 200
    # httpx-auth caches the token: one token request served both calls.
    assert len(provider.token_requests) == 1
    assert provider.token_requests[0].auth_method == "client_secret_basic"


@pytest.mark.parametrize("include_client_id", [False, True], ids=["basic", "post"])
def test_requests_oauthlib_backend_application_client(
    provider: MockProvider, monkeypatch: pytest.MonkeyPatch, include_client_id: bool
) -> None:
    # oauthlib refuses plain http unless told otherwise; the server is loopback-only.
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    with OAuth2Session(client=BackendApplicationClient(client_id=CLIENT_ID)) as session:
        token = session.fetch_token(
            token_url=provider.token_url,
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            include_client_id=include_client_id,
            timeout=5,
        )
        assert token["token_type"] == "Bearer"
        assert "refresh_token" not in token
        me = session.get(provider.me_url, timeout=5)
    assert me.status_code == 200
    assert me.json()["client_id"] == CLIENT_ID
    expected = "client_secret_post" if include_client_id else "client_secret_basic"
    assert provider.token_requests[-1].auth_method == expected


def test_authlib_uses_the_token_endpoint_from_rfc8414_metadata(provider: MockProvider) -> None:
    metadata = httpx.get(provider.metadata_url, timeout=5).json()
    with AuthlibSession(CLIENT_ID, CLIENT_SECRET) as session:
        token = session.fetch_token(
            metadata["token_endpoint"], grant_type="client_credentials", timeout=5
        )
    assert metadata["issuer"] == provider.url
    assert token["access_token"] == provider.tokens[-1].value
