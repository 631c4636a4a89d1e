"""httpx2 answered in-process, sync and async, as httpx is."""

from __future__ import annotations

import threading

import anyio
import httpx
import httpx2
import pytest
import respx

from mock_provider import MockProvider
from mock_provider.transport.httpx2 import AsyncProviderTransport, ProviderTransport

from .conftest import CLIENT_ID, CLIENT_SECRET, TOKEN_FORM, clear_once_fired

pytestmark = pytest.mark.anyio


def _token(client: httpx2.Client, provider: MockProvider, **kwargs: object) -> httpx2.Response:
    return client.post(
        provider.token_url, data=TOKEN_FORM, auth=(CLIENT_ID, CLIENT_SECRET), **kwargs
    )


async def _atoken(
    client: httpx2.AsyncClient, provider: MockProvider, **kwargs: object
) -> httpx2.Response:
    return await client.post(
        provider.token_url, data=TOKEN_FORM, auth=(CLIENT_ID, CLIENT_SECRET), **kwargs
    )


def test_sync_token_then_me(provider: MockProvider) -> None:
    with httpx2.Client() as client:
        token = _token(client, provider)
        access = token.json()["access_token"]
        me = client.get(provider.me_url, headers={"Authorization": f"Bearer {access}"})
    assert token.status_code == 200
    assert me.json()["client_id"] == CLIENT_ID
    assert [(r.endpoint, r.status) for r in provider.requests] == [("token", 200), ("me", 200)]


async def test_async_token_then_me(provider: MockProvider) -> None:
    async with httpx2.AsyncClient() as client:
        token = await _atoken(client, provider)
        access = token.json()["access_token"]
        me = await client.get(provider.me_url, headers={"Authorization": f"Bearer {access}"})
    assert me.json()["client_id"] == CLIENT_ID
    assert provider.token_requests[0].auth_method == "client_secret_basic"
    assert CLIENT_SECRET not in repr(provider.requests)


def test_error_fault_with_retry_after_then_ok(provider: MockProvider) -> None:
    provider.add_fault("token", status=503, error="temporarily_unavailable", retry_after=3)
    with httpx2.Client() as client:
        refused, ok = _token(client, provider), _token(client, provider)
    assert (refused.status_code, refused.headers["retry-after"]) == (503, "3")
    assert refused.json()["error"] == "temporarily_unavailable"
    assert ok.status_code == 200


async def test_malformed_body_and_quirk(provider: MockProvider) -> None:
    provider.add_fault("token", malformed="html")
    provider.set_quirks(expires_in_as="string")
    async with httpx2.AsyncClient() as client:
        html, quirky = await _atoken(client, provider), await _atoken(client, provider)
    assert html.headers["content-type"].startswith("text/html")
    assert quirky.json()["expires_in"] == "3600"


def test_sync_drop_and_timeout(provider: MockProvider) -> None:
    provider.add_fault("token", drop=True)
    provider.add_fault("token", delay=30)
    with httpx2.Client(timeout=0.05) as client:
        with pytest.raises(httpx2.ReadError, match="scripted drop"):
            _token(client, provider)
        with pytest.raises(httpx2.ReadTimeout):
            _token(client, provider)


async def test_async_drop_and_timeout(provider: MockProvider) -> None:
    provider.add_fault("token", drop=True)
    provider.add_fault("token", delay=30)
    async with httpx2.AsyncClient(timeout=0.05) as client:
        with pytest.raises(httpx2.ReadError):
            await _atoken(client, provider)
        with pytest.raises(httpx2.ReadTimeout):
            await _atoken(client, provider)


def test_sync_delay_cut_short_by_clear(provider: MockProvider) -> None:
    fault = provider.add_fault("token", delay=30)
    answers: list[int] = []

    def send() -> None:
        with httpx2.Client(timeout=10) as client:
            answers.append(_token(client, provider).status_code)

    worker = threading.Thread(target=send)
    worker.start()
    clear_once_fired(provider, fault, worker)
    assert answers == [200]


async def test_async_delay_cut_short_by_clear_without_blocking_the_loop(
    provider: MockProvider,
) -> None:
    fault = provider.add_fault("token", delay=30)
    answers: list[int] = []
    with anyio.fail_after(5):
        async with httpx2.AsyncClient(timeout=10) as client, anyio.create_task_group() as tg:

            async def send() -> None:
                answers.append((await _atoken(client, provider)).status_code)

            tg.start_soon(send)
            while not fault.fired:
                await anyio.sleep(0)  # the loop keeps running while the request waits
            provider.clear_faults()
    assert answers == [200]


def test_other_hosts_pass_through(provider: MockProvider, elsewhere: str) -> None:
    assert httpx2.get(elsewhere).text == "elsewhere"
    assert provider.requests == []


def test_beside_the_users_mock_transport_and_respx(provider: MockProvider) -> None:
    users = httpx2.Client(transport=httpx2.MockTransport(lambda r: httpx2.Response(204)))
    with users, respx.mock(assert_all_called=True) as httpx_mock:
        httpx_mock.get("https://api.example.test/").respond(202)
        assert users.get("https://api.example.test/").status_code == 204
        assert httpx.get("https://api.example.test/").status_code == 202
        with httpx2.Client() as client:
            assert _token(client, provider).status_code == 200
    assert [r.endpoint for r in provider.requests] == ["token"]


async def test_transports_can_be_given_by_hand() -> None:
    other = MockProvider("https://by-hand.test")
    other.add_client(CLIENT_ID, CLIENT_SECRET)
    with httpx2.Client(transport=ProviderTransport(other)) as client:
        assert _token(client, other).status_code == 200
    async with httpx2.AsyncClient(transport=AsyncProviderTransport(other)) as aclient:
        assert (await _atoken(aclient, other)).status_code == 200
