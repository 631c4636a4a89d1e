"""Unmodified clients authenticate end to end against the provider: Authlib's
``ClientSecretJWT`` / ``PrivateKeyJWT``, MSAL's ``ConfidentialClientApplication`` with
``oidc_authority`` (secret and certificate) over the mock's TLS, and the MCP SDK's two
client-credentials providers with the "me" API as the MCP server.

The clients read the wall clock, so each provider's manual clock starts at the wall clock's
now (and stands still: well within the assertion skew). MSAL and the MCP SDK come with the
``interop`` extra, part of ``test``; their cases skip without it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from typing import Any

import pytest
from authlib.integrations.requests_client import OAuth2Session
from authlib.oauth2.rfc7523 import ClientSecretJWT, PrivateKeyJWT
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from mock_provider import ManualClock, MockProvider, ProviderServer
from mock_provider.protocol import Request, Response
from tests.assertions import SECRET, b64, certificate, public_jwk, rsa_key

CLIENT_ID = "interop-client"


class _LateIssuer:
    """A ``Served`` whose provider is made once the server's URL is known, so the issuer
    can be a path under it (what MSAL's ``oidc_authority`` is used with: a tenant)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.provider: MockProvider | None = None

    def bind_url(self, url: str) -> None:
        self.provider = MockProvider(url + self.path, clock=ManualClock(time.time()))

    def handle(self, request: Request) -> Response:
        assert self.provider is not None
        return self.provider.handle(request)


@pytest.fixture
def served(request: pytest.FixtureRequest) -> Iterator[tuple[MockProvider, ProviderServer]]:
    tls, path = getattr(request, "param", (False, "/tenant"))
    slot = _LateIssuer(path)
    with ProviderServer(slot, tls=tls) as server:
        assert slot.provider is not None
        slot.provider.add_client(
            CLIENT_ID,
            SECRET,
            scopes=["read"],
            jwks={"keys": [public_jwk(rsa_key(), kid="k1", x5c=[b64(certificate())])]},
        )
        yield slot.provider, server


@pytest.mark.parametrize(
    ("method", "credential"),
    [
        pytest.param(ClientSecretJWT, lambda: SECRET, id="ClientSecretJWT"),
        pytest.param(
            PrivateKeyJWT, lambda: rsa_key().as_pem(private=True).decode(), id="PrivateKeyJWT"
        ),
    ],
)
def test_authlib_rfc7523_token_request_end_to_end(
    served: tuple[MockProvider, ProviderServer], method: Any, credential: Any
) -> None:
    provider, _ = served
    with OAuth2Session(
        CLIENT_ID,
        credential(),
        token_endpoint_auth_method=method(provider.token_url),
        scope="read",
    ) as session:
        token = session.fetch_token(provider.token_url, grant_type="client_credentials")
        me = session.get(provider.me_url, timeout=5)
    assert token["token_type"] == "Bearer"
    assert me.json()["client_id"] == CLIENT_ID
    expected = "client_secret_jwt" if method is ClientSecretJWT else "private_key_jwt"
    assert provider.last_token_request().auth_method == expected


@pytest.fixture
def trust_env_ca(monkeypatch: pytest.MonkeyPatch) -> None:
    # requests lets REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE win over a session's verify= (its
    # issue #3829); a CI machine that sets them would otherwise never use MSAL's verify=.
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)


def _msal_app(provider: MockProvider, server: ProviderServer, credential: Any) -> Any:
    msal = pytest.importorskip("msal")
    return msal.ConfidentialClientApplication(
        CLIENT_ID,
        client_credential=credential,
        oidc_authority=provider.url,
        verify=server.ca_path,
    )


@pytest.mark.usefixtures("trust_env_ca")
@pytest.mark.parametrize("served", [(True, "/tenant")], indirect=True, ids=["tls"])
def test_msal_oidc_authority_with_a_client_secret(
    served: tuple[MockProvider, ProviderServer],
) -> None:
    provider, server = served
    result = _msal_app(provider, server, SECRET).acquire_token_for_client(scopes=["read"])
    assert result.get("token_type") == "Bearer", result
    assert provider.find_requests(endpoint="openid_configuration")
    assert provider.last_token_request().auth_method == "client_secret_post"


@pytest.mark.usefixtures("trust_env_ca")
@pytest.mark.parametrize("served", [(True, "/tenant")], indirect=True, ids=["tls"])
def test_msal_oidc_authority_with_a_certificate(
    served: tuple[MockProvider, ProviderServer],
) -> None:
    provider, server = served
    cert = x509.load_der_x509_certificate(certificate()).public_bytes(Encoding.PEM).decode()
    credential = {
        "private_key": rsa_key().as_pem(private=True).decode(),
        "public_certificate": cert,
    }
    result = _msal_app(provider, server, credential).acquire_token_for_client(scopes=["read"])
    assert result.get("token_type") == "Bearer", result
    recorded = provider.last_token_request()
    assert recorded.auth_method == "private_key_jwt"
    assert recorded.form["client_assertion"] == "<redacted>"


class _Memory:
    """An MCP ``TokenStorage`` in memory."""

    def __init__(self) -> None:
        self.tokens: Any = None
        self.client_info: Any = None

    async def get_tokens(self) -> Any:
        return self.tokens

    async def set_tokens(self, tokens: Any) -> None:
        self.tokens = tokens

    async def get_client_info(self) -> Any:
        return self.client_info

    async def set_client_info(self, client_info: Any) -> None:
        self.client_info = client_info


def _mcp_provider(kind: str, provider: MockProvider) -> Any:
    credentials = pytest.importorskip("mcp.client.auth.extensions.client_credentials")
    if kind == "secret":
        return credentials.ClientCredentialsOAuthProvider(
            server_url=provider.me_url,
            storage=_Memory(),
            client_id=CLIENT_ID,
            client_secret=SECRET,
            scope="read",
            issuer=provider.url,
        )
    signed = credentials.SignedJWTParameters(
        issuer=CLIENT_ID, subject=CLIENT_ID, signing_key=rsa_key().as_pem(private=True).decode()
    )
    return credentials.PrivateKeyJWTOAuthProvider(
        server_url=provider.me_url,
        storage=_Memory(),
        client_id=CLIENT_ID,
        assertion_provider=signed.create_assertion_provider(),
        scope="read",
        issuer=provider.url,
    )


@pytest.mark.parametrize(
    "served", [(False, "/tenant"), (False, "")], indirect=True, ids=["path-issuer", "root-issuer"]
)
@pytest.mark.parametrize(
    ("kind", "method"),
    [
        pytest.param("secret", "client_secret_basic", id="ClientCredentialsOAuthProvider"),
        pytest.param("key", "private_key_jwt", id="PrivateKeyJWTOAuthProvider"),
    ],
)
def test_mcp_sdk_client_credentials_against_the_me_api(
    served: tuple[MockProvider, ProviderServer], kind: str, method: str
) -> None:
    provider, _ = served
    auth = _mcp_provider(kind, provider)
    httpx2 = pytest.importorskip("httpx2")

    async def call() -> Any:
        async with httpx2.AsyncClient(auth=auth, timeout=5) as http:
            return await http.get(provider.me_url)

    me = asyncio.run(call())
    assert me.status_code == 200, me.text
    assert me.json()["client_id"] == CLIENT_ID
    # The SDK's path: the 401 challenge, RFC 9728, RFC 8414 (or OIDC), then the token.
    endpoints = [r.endpoint for r in provider.requests]
    assert endpoints[0] == "me"
    assert endpoints.index("resource_metadata") < endpoints.index("token")
    assert {"metadata", "openid_configuration"} & set(endpoints)
    assert provider.last_token_request().auth_method == method
