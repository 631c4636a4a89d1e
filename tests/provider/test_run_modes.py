"""The in-process ways to reach a provider answer exactly like the socket server."""

from __future__ import annotations

import httpx
import pytest
import respx
from werkzeug.test import Client

from mock_provider import ManualClock, MockProvider

GRANT = {"grant_type": "client_credentials"}


@pytest.fixture
def provider() -> MockProvider:
    provider = MockProvider("https://login.example.test", clock=ManualClock(1_700_000_000))
    provider.add_client("modes", "modes-secret", scopes=("read",))
    return provider


def test_sync_transport(provider: MockProvider) -> None:
    with httpx.Client(transport=provider.transport()) as http:
        answer = http.post(provider.token_url, data=GRANT, auth=("modes", "modes-secret"))
    assert answer.status_code == 200
    assert answer.json()["access_token"] == provider.tokens[0].value


@pytest.mark.anyio
async def test_async_transport(provider: MockProvider) -> None:
    async with httpx.AsyncClient(transport=provider.async_transport()) as http:
        answer = await http.post(provider.token_url, data=GRANT, auth=("modes", "modes-secret"))
        token = answer.json()["access_token"]
        me = await http.get(provider.me_url, headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    assert me.json()["client_id"] == "modes"


def test_respx_routes_clients_built_elsewhere(provider: MockProvider) -> None:
    with provider.mock(), httpx.Client() as http:
        answer = http.post(provider.token_url, data=GRANT, auth=("modes", "modes-secret"))
        assert answer.status_code == 200
        # Another host is not mocked: refused instead of reaching the network.
        with pytest.raises(respx.models.AllMockedAssertionError):
            http.get("https://elsewhere.example.test/")


@pytest.mark.anyio
async def test_respx_routes_async_clients(provider: MockProvider) -> None:
    with provider.mock():
        async with httpx.AsyncClient() as http:
            answer = await http.post(provider.token_url, data=GRANT, auth=("modes", "modes-secret"))
    assert answer.status_code == 200


def test_wsgi_app_with_any_wsgi_client(provider: MockProvider) -> None:
    client = Client(provider.wsgi_app())
    answer = client.post(
        "/oauth/token",
        data=GRANT,
        headers={"Authorization": "Basic bW9kZXM6bW9kZXMtc2VjcmV0"},
    )
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "no-store"
    assert answer.json is not None
    assert answer.json["token_type"] == "Bearer"


def test_one_provider_in_process_and_on_a_socket_at_once(provider: MockProvider) -> None:
    # An explicit issuer is kept when the server starts: both paths share one token store.
    with provider.serve() as server:
        assert provider.url == "https://login.example.test"
        over_socket = httpx.post(
            server.url + "/oauth/token", data=GRANT, auth=("modes", "modes-secret"), timeout=5
        ).json()["access_token"]
    with httpx.Client(transport=provider.transport()) as http:
        me = http.get(provider.me_url, headers={"Authorization": f"Bearer {over_socket}"})
    assert me.status_code == 200
