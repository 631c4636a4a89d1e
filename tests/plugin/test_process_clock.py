"""@pytest.mark.oauth_provider(clock="process"): clients that read the wall clock themselves
follow ``clock.advance()``; the wall clock is given back at teardown."""

from __future__ import annotations

import pytest

CONFTEST = """
import pytest

@pytest.fixture
def anyio_backend():
    return "asyncio"
"""


def test_a_third_party_client_renews_after_advance(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest
        from authlib.integrations.httpx_client import OAuth2Client

        @pytest.mark.oauth_provider(clock="process", expires_in=300)
        def test_authlib_renews(oauth_provider):
            client = OAuth2Client(
                "demo-client", "demo-secret", token_endpoint=oauth_provider.token_url,
                grant_type="client_credentials",
            )
            client.fetch_token()
            assert client.get(oauth_provider.me_url).status_code == 200
            oauth_provider.clock.advance(300)
            assert client.get(oauth_provider.me_url).status_code == 200
            assert len(oauth_provider.token_requests) == 2
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_the_wall_clock_follows_and_comes_back_at_teardown(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import datetime
        import time

        import pytest

        ADVANCED = []

        @pytest.mark.oauth_provider(clock="process", clock_start=1_700_000_000)
        def test_follows(oauth_provider):
            assert 1_700_000_000 <= time.time() < 1_700_000_060
            monotonic = time.monotonic()
            oauth_provider.clock.advance(86_400)
            assert 1_700_086_400 <= time.time() < 1_700_086_460
            now = datetime.datetime.now(datetime.timezone.utc).timestamp()
            assert 1_700_086_400 <= now < 1_700_086_460
            assert time.monotonic() - monotonic < 60  # the monotonic clock stays real
            ADVANCED.append(time.time())

        def test_real_again():
            assert time.time() > 1_750_000_000  # the real clock: this test runs after mid-2025

        @pytest.mark.oauth_provider(clock_start=1_700_000_000)
        def test_manual_is_the_default(oauth_provider):
            oauth_provider.clock.advance(86_400)
            assert time.time() > 1_750_000_000
        """
    )
    pytester.runpytest().assert_outcomes(passed=3)


def test_the_reference_client_works_in_both_modes(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.parametrize("clock", ["manual", "process"])
        def test_renewal_and_retry_after(request, clock, make_oauth_provider):
            provider = make_oauth_provider(clock=clock, expires_in=300)
            from pytest_oauthcc.plugin.providers import reference_auth
            import httpx

            provider.add_fault("token", times=1, status=503, retry_after=30)
            with httpx.Client(auth=reference_auth(provider)) as client:
                assert client.get(provider.me_url).status_code == 200
                provider.clock.advance(300)
                assert client.get(provider.me_url).status_code == 200
            assert [r.status for r in provider.token_requests] == [503, 200, 200]

        @pytest.mark.oauth_provider(clock="process", expires_in=300)
        def test_oauth_client(oauth_client, oauth_provider):
            assert oauth_client.get("/api/me").status_code == 200
            oauth_provider.clock.advance(300)
            assert oauth_client.get("/api/me").status_code == 200
            assert len(oauth_provider.token_requests) == 2

        @pytest.mark.anyio
        @pytest.mark.oauth_provider(clock="process", expires_in=300)
        async def test_oauth_async_client(oauth_async_client, oauth_provider):
            assert (await oauth_async_client.get("/api/me")).status_code == 200
            oauth_provider.clock.advance(300)
            assert (await oauth_async_client.get("/api/me")).status_code == 200
            assert len(oauth_provider.token_requests) == 2
        """
    )
    pytester.runpytest().assert_outcomes(passed=4)


def test_oauth_server_follows_the_marker_too(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import time

        import pytest
        import requests

        @pytest.mark.oauth_provider(clock="process", expires_in=300)
        def test_served(oauth_server):
            before = time.time()
            token = requests.post(
                oauth_server.token_url, data={"grant_type": "client_credentials"},
                auth=("demo-client", "demo-secret"), timeout=5,
            ).json()
            oauth_server.clock.advance(300)
            assert time.time() >= before + 300
            me = requests.get(
                oauth_server.me_url, timeout=5,
                headers={"Authorization": "Bearer " + token["access_token"]},
            )
            assert me.status_code == 401  # expired for the provider and the wall clock alike

        def test_real_again():
            import time_machine

            assert time_machine.escape_hatch.is_travelling() is False  # stopped at teardown
            assert time.time() > 1_750_000_000
        """
    )
    pytester.runpytest().assert_outcomes(passed=2)


def test_a_missing_time_machine_fails_the_test_with_what_to_install(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeconftest(
        """
        import sys

        import pytest

        @pytest.fixture(autouse=True)
        def _no_time_machine(monkeypatch):
            monkeypatch.setitem(sys.modules, "time_machine", None)
        """
    )
    pytester.makepyfile(
        """
        import pytest

        from mock_provider.transport import routing

        @pytest.mark.oauth_provider(clock="process")
        def test_needs_it(oauth_provider):
            pass

        def test_its_provider_was_released():
            assert routing.hooked_stacks() == ()
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(errors=1, passed=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at setup of test_needs_it*",
            'clock="process" moves the process wall clock with time-machine, which is not '
            "installed: pip install 'pytest-oauthcc[clock]' (or time-machine)",
            "All traceback entries are hidden.*",
        ]
    )
    result.stdout.no_fnmatch_line("*During handling*")


def test_one_provider_drives_the_wall_clock(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        from mock_provider.transport import routing

        @pytest.mark.oauth_provider(clock="process")
        def test_two(oauth_provider, make_oauth_provider):
            make_oauth_provider()

        def test_both_providers_were_released():
            assert routing.hooked_stacks() == ()
            assert routing.lookup_url("https://mock-oauth-2.test") is None
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(failed=1, passed=1)
    result.stdout.fnmatch_lines(
        [
            'two providers of this test use clock="process" '
            "(https://mock-oauth.test and https://mock-oauth-2.test); the process has one wall "
            "clock: give the others clock='manual'",
        ]
    )
