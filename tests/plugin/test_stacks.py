"""oauth_provider answers every HTTP stack in-process, per test and per xdist worker; a test
that routes nothing sees every stack's own code."""

from __future__ import annotations

import pytest

STACK_TESTS = """
import aiohttp
import httpx
import httpx2
import pytest
import requests

from mock_provider.transport import routing

FORM = {"grant_type": "client_credentials"}
BASIC = ("demo-client", "demo-secret")


@pytest.fixture
def anyio_backend():
    return "asyncio"


def entry_points():
    return (
        httpx.HTTPTransport.handle_request,
        httpx2.HTTPTransport.handle_request,
        httpx2.AsyncHTTPTransport.handle_async_request,
        requests.Session.get_adapter,
        aiohttp.TCPConnector._create_connection,
    )


ORIGINAL = entry_points()


@pytest.fixture(autouse=True)
def nothing_routed_after_a_test(request):
    # Between two tests that route, the hooks may stay (passing everything through); a
    # test that routes nothing gets the stacks' own code, and no route outlives its test.
    if "oauth_provider" not in request.fixturenames:
        assert entry_points() == ORIGINAL
    yield
    assert routing.lookup_url("https://mock-oauth.test/") is None


@pytest.mark.parametrize("n", range(8))
def test_a_test_that_routes_nothing_sees_the_stacks_own_code(n):
    assert entry_points() == ORIGINAL


@pytest.mark.parametrize("n", range(4))
def test_httpx(oauth_provider, n):
    assert httpx.post(oauth_provider.token_url, data=FORM, auth=BASIC).status_code == 200


@pytest.mark.parametrize("n", range(4))
def test_httpx2(oauth_provider, n):
    with httpx2.Client() as http:
        assert http.post(oauth_provider.token_url, data=FORM, auth=BASIC).status_code == 200


@pytest.mark.anyio
@pytest.mark.parametrize("n", range(4))
async def test_httpx2_async(oauth_provider, n):
    async with httpx2.AsyncClient() as http:
        answer = await http.post(oauth_provider.token_url, data=FORM, auth=BASIC)
    assert answer.status_code == 200


@pytest.mark.parametrize("n", range(4))
def test_requests(oauth_provider, n):
    answer = requests.post(oauth_provider.token_url, data=FORM, auth=BASIC, timeout=5)
    assert answer.status_code == 200
    assert oauth_provider.token_requests[0].client_id == "demo-client"


@pytest.mark.anyio
@pytest.mark.parametrize("n", range(4))
async def test_aiohttp(oauth_provider, n):
    headers = {"Authorization": aiohttp.encode_basic_auth(*BASIC)}
    async with aiohttp.ClientSession() as session:
        async with session.post(oauth_provider.token_url, data=FORM, headers=headers) as answer:
            assert answer.status == 200
            assert (await answer.json())["token_type"] == "Bearer"


def test_a_drop_is_each_stacks_own_error(oauth_provider):
    oauth_provider.add_fault("token", drop=True, times=3)
    with pytest.raises(httpx.ReadError):
        httpx.post(oauth_provider.token_url, data=FORM, auth=BASIC)
    with pytest.raises(httpx2.ReadError):
        httpx2.post(oauth_provider.token_url, data=FORM, auth=BASIC)
    with pytest.raises(requests.ConnectionError):
        requests.post(oauth_provider.token_url, data=FORM, auth=BASIC, timeout=5)


def test_a_fault_that_never_fires_fails_the_test_on_every_stack(oauth_provider):
    oauth_provider.add_fault("revoke", status=503)
    requests.post(oauth_provider.token_url, data=FORM, auth=BASIC, timeout=5)
"""


UNCONFIGURE = """
from pathlib import Path

from test_stacks import ORIGINAL, entry_points


def pytest_unconfigure(config):
    worker = getattr(config, "workerinput", {}).get("workerid", "main")
    Path(f"restored-{worker}.txt").write_text(str(entry_points() == ORIGINAL))
"""


def test_every_stack_is_answered_under_xdist(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_stacks=STACK_TESTS)
    pytester.makeconftest(UNCONFIGURE)
    result = pytester.runpytest_subprocess("-p", "xdist", "-n", "2")
    result.assert_outcomes(passed=29, failed=1)
    # After each worker's last test (and on the controller), every stack's own code is back.
    restored = {p.name: p.read_text() for p in pytester.path.glob("restored-*.txt")}
    assert restored == {f"restored-{name}.txt": "True" for name in ("gw0", "gw1", "main")}
    result.stdout.fnmatch_lines(
        [
            "*FAILED test_stacks.py::test_a_fault_that_never_fires_fails_the_test_on_every_stack*",
        ]
    )


def test_the_plugin_imports_no_stack_a_test_does_not_use(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import sys

        import httpx

        def test_httpx_only(oauth_provider):
            assert httpx.get(oauth_provider.metadata_url).status_code == 200
            assert [m for m in ("requests", "aiohttp", "httpx2") if m in sys.modules] == []
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:requests_mock", "-p", "no:anyio")
    result.assert_outcomes(passed=1)
