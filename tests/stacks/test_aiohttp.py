"""aiohttp answered in-process at the connection: aiohttp's own parsing, timeouts and
exceptions apply, and aioresponses keeps working beside the provider."""

from __future__ import annotations

import asyncio

import aiohttp
import anyio
import pytest
from aioresponses import aioresponses

from mock_provider import MockProvider

from .conftest import CLIENT_ID, CLIENT_SECRET, TOKEN_FORM

pytestmark = pytest.mark.anyio
BASIC = {"Authorization": aiohttp.encode_basic_auth(CLIENT_ID, CLIENT_SECRET)}


async def _token(
    session: aiohttp.ClientSession, provider: MockProvider, **kwargs: object
) -> tuple[int, dict[str, str], bytes]:
    async with session.post(provider.token_url, data=TOKEN_FORM, headers=BASIC, **kwargs) as r:
        return r.status, dict(r.headers), await r.read()


async def test_token_then_me_on_one_kept_alive_connection(provider: MockProvider) -> None:
    async with aiohttp.ClientSession() as session:
        async with session.post(provider.token_url, data=TOKEN_FORM, headers=BASIC) as token:
            access = (await token.json())["access_token"]
        bearer = {"Authorization": f"Bearer {access}"}
        async with session.get(provider.me_url, headers=bearer) as me:
            assert (await me.json())["client_id"] == CLIENT_ID
    assert [(r.endpoint, r.status) for r in provider.requests] == [("token", 200), ("me", 200)]
    assert provider.token_requests[0].client_id == CLIENT_ID
    assert CLIENT_SECRET not in repr(provider.requests)


async def test_error_fault_with_retry_after_and_raise_for_status(provider: MockProvider) -> None:
    provider.add_fault("token", times=2, status=503, error="temporarily_unavailable", retry_after=2)
    async with aiohttp.ClientSession() as session:
        status, headers, _ = await _token(session, provider)
        assert (status, headers["Retry-After"]) == (503, "2")
        with pytest.raises(aiohttp.ClientResponseError) as refused:
            await _token(session, provider, raise_for_status=True)
        assert refused.value.status == 503
        assert (await _token(session, provider))[0] == 200


async def test_malformed_body_and_quirk(provider: MockProvider) -> None:
    provider.add_fault("token", malformed="empty")
    provider.set_quirks(form_encoded_response=True)
    async with aiohttp.ClientSession() as session:
        empty = await _token(session, provider)
        form = await _token(session, provider)
    assert empty[2] == b""
    assert form[1]["Content-Type"].startswith("application/x-www-form-urlencoded")
    assert b"access_token=" in form[2]


async def test_drop_is_a_server_disconnect(provider: MockProvider) -> None:
    provider.add_fault("token", drop=True)
    async with aiohttp.ClientSession() as session:
        with pytest.raises(aiohttp.ServerDisconnectedError):
            await _token(session, provider)
        assert (await _token(session, provider))[0] == 200
    assert issubclass(aiohttp.ServerDisconnectedError, aiohttp.ClientConnectionError)


@pytest.mark.parametrize(
    "timeout",
    [
        pytest.param(aiohttp.ClientTimeout(sock_read=0.05), id="sock_read"),
        pytest.param(aiohttp.ClientTimeout(total=0.05), id="total"),
    ],
)
async def test_delay_past_aiohttps_own_timeout(
    provider: MockProvider, timeout: aiohttp.ClientTimeout
) -> None:
    provider.add_fault("token", delay=30)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        # asyncio.TimeoutError: the builtin TimeoutError from Python 3.11 on, its own class before
        with pytest.raises(asyncio.TimeoutError):
            await _token(session, provider)


async def test_delay_is_awaited_without_blocking_and_cut_short_by_clear(
    provider: MockProvider,
) -> None:
    fault = provider.add_fault("token", delay=30)
    statuses: list[int] = []
    with anyio.fail_after(5):
        async with aiohttp.ClientSession() as session, anyio.create_task_group() as tg:

            async def send() -> None:
                statuses.append((await _token(session, provider))[0])

            tg.start_soon(send)
            while not fault.fired:
                await anyio.sleep(0)
            provider.clear_faults()
    assert statuses == [200]


async def test_other_hosts_pass_through(provider: MockProvider, elsewhere: str) -> None:
    async with aiohttp.ClientSession() as session, session.get(elsewhere) as response:
        assert await response.text() == "elsewhere"
    assert provider.requests == []


async def test_beside_aioresponses_through_its_pass_through(provider: MockProvider) -> None:
    with aioresponses(passthrough=[provider.url]) as users_mock:
        users_mock.get("https://api.example.test/users", payload={"users": []})
        async with aiohttp.ClientSession() as session:
            assert (await _token(session, provider))[0] == 200
            with pytest.raises(aiohttp.ClientConnectionError, match="Connection refused"):
                await session.get("https://unmocked.example.test/")
    assert [r.endpoint for r in provider.requests] == ["token"]


# aioresponses builds ClientResponse objects by hand, which aiohttp 3.14 broke
# (pnuckowski/aioresponses#289): its own mocks fail whether or not the provider is there.
_AIORESPONSES_BROKEN = tuple(int(p) for p in aiohttp.__version__.split(".")[:2]) >= (3, 14)


@pytest.mark.xfail(
    _AIORESPONSES_BROKEN, raises=TypeError, reason="aioresponses#289 on aiohttp>=3.14"
)
async def test_the_users_aioresponses_mocks_answer_beside_the_provider(
    provider: MockProvider,
) -> None:
    with aioresponses(passthrough=[provider.url]) as users_mock:
        users_mock.get("https://api.example.test/users", payload={"users": []})
        async with aiohttp.ClientSession() as session:
            async with session.get("https://api.example.test/users") as users:
                assert await users.json() == {"users": []}
            assert (await _token(session, provider))[0] == 200
