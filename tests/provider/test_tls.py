"""``provider.serve(tls=True)``: HTTPS with a throwaway CA that clients can choose to trust."""

from __future__ import annotations

import socket
import ssl
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
import requests

from mock_provider import MockProvider

GRANT = {"grant_type": "client_credentials"}


@pytest.fixture
def provider() -> MockProvider:
    provider = MockProvider()
    provider.add_client("tls-client", "tls-secret", scopes=("read",))
    return provider


def test_tls_server_serves_https_to_a_client_trusting_its_ca(provider: MockProvider) -> None:
    with provider.serve(tls=True) as server:
        assert server.url.startswith("https://127.0.0.1:")
        assert provider.token_url == server.url + "/oauth/token"
        assert server.ca_path is not None
        trusted = ssl.create_default_context(cafile=server.ca_path)
        with httpx.Client(verify=trusted, timeout=5) as http:
            token = http.post(provider.token_url, data=GRANT, auth=("tls-client", "tls-secret"))
            assert token.status_code == 200
            bearer = {"Authorization": f"Bearer {token.json()['access_token']}"}
            assert http.get(provider.me_url, headers=bearer).status_code == 200
            metadata = http.get(provider.metadata_url).json()
        # requests (and so Authlib's and requests-oauthlib's sessions) with the CA bundle.
        via_requests = requests.post(
            provider.token_url,
            data=GRANT,
            auth=("tls-client", "tls-secret"),
            verify=server.ca_path,
            timeout=5,
        )
    assert metadata["issuer"] == provider.url
    assert provider.url.startswith("https://")
    assert via_requests.status_code == 200


def test_tls_client_not_trusting_the_ca_fails_verification(provider: MockProvider) -> None:
    with (
        provider.serve(tls=True),
        httpx.Client(timeout=5) as http,
        pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"),
    ):
        http.post(provider.token_url, data=GRANT, auth=("tls-client", "tls-secret"))
    assert provider.tokens == []


def test_tls_ca_bundle_is_removed_when_the_server_stops(provider: MockProvider) -> None:
    with provider.serve(tls=True) as server:
        assert server.ca_path is not None
        ca_path = Path(server.ca_path)
        assert ca_path.read_text().startswith("-----BEGIN CERTIFICATE-----")
    assert not ca_path.exists()
    assert server.ca_path is None


def test_plain_http_server_has_no_ca(provider: MockProvider) -> None:
    with provider.serve() as server:
        assert server.url.startswith("http://127.0.0.1:")
        assert server.ca_path is None


def test_tls_connections_are_kept_alive(provider: MockProvider) -> None:
    with provider.serve(tls=True) as server:
        trusted = ssl.create_default_context(cafile=server.ca_path)
        with httpx.Client(verify=trusted, timeout=5) as http:
            peers = {
                http.post(provider.token_url, data=GRANT, auth=("tls-client", "tls-secret"))
                .extensions["network_stream"]
                .get_extra_info("client_addr")
                for _ in range(3)
            }
    assert len(peers) == 1
    assert len(provider.tokens) == 3


def test_tls_a_stalled_handshake_does_not_hold_up_other_clients(provider: MockProvider) -> None:
    # The handshake runs in each connection's own thread, not in the accept loop.
    with provider.serve(tls=True) as server:
        parts = urlsplit(server.url)
        assert parts.hostname is not None
        assert parts.port is not None
        with socket.create_connection((parts.hostname, parts.port), timeout=5):
            trusted = ssl.create_default_context(cafile=server.ca_path)
            with httpx.Client(verify=trusted, timeout=5) as http:
                answer = http.post(
                    provider.token_url, data=GRANT, auth=("tls-client", "tls-secret")
                )
    assert answer.status_code == 200
