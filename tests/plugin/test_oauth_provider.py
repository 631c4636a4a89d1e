"""The in-process fixtures: oauth_provider and make_oauth_provider."""

from __future__ import annotations

import pytest


def test_oauth_provider_answers_httpx_sync_and_async_clients_in_process(pytester: pytest.Pytester):
    pytester.makepyfile(
        """
        import httpx
        import pytest

        def token(client, provider):
            return client.post(
                provider.token_url,
                data={"grant_type": "client_credentials"},
                auth=("demo-client", "demo-secret"),
            )

        def test_sync(oauth_provider):
            with httpx.Client() as client:
                response = token(client, oauth_provider)
            assert response.status_code == 200
            assert response.json()["token_type"] == "Bearer"
            assert [r.client_id for r in oauth_provider.token_requests] == ["demo-client"]

        def test_module_level_httpx_function(oauth_provider):
            response = httpx.get(oauth_provider.metadata_url)
            assert response.json()["issuer"] == "https://mock-oauth.test"

        @pytest.mark.anyio
        async def test_async(oauth_provider):
            async with httpx.AsyncClient() as client:
                response = await client.post(
                    oauth_provider.token_url,
                    data={"grant_type": "client_credentials"},
                    auth=("demo-client", "demo-secret"),
                )
            assert response.status_code == 200
        """
    )
    pytester.makeconftest(
        """
        import pytest

        @pytest.fixture
        def anyio_backend():
            return "asyncio"
        """
    )
    pytester.runpytest().assert_outcomes(passed=3)


def test_oauth_provider_is_fresh_for_every_test(pytester: pytest.Pytester):
    pytester.makepyfile(
        """
        import httpx

        def test_first(oauth_provider):
            oauth_provider.add_client("extra", "extra-secret")
            oauth_provider.clock.advance(100)
            httpx.post(oauth_provider.token_url, data={"grant_type": "client_credentials"},
                       auth=("extra", "extra-secret"))
            assert len(oauth_provider.tokens) == 1

        def test_second(oauth_provider):
            assert sorted(oauth_provider.clients) == ["demo-client"]
            assert oauth_provider.requests == []
            assert oauth_provider.tokens == []
        """
    )
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=2)


@pytest.mark.parametrize("fixture", ["oauth_provider", "oauth_server"])
def test_a_provider_is_released_after_its_test(pytester: pytest.Pytester, fixture: str):
    # Test items live for the whole session; a provider (tokens, recording) kept on its item
    # would make a long suite's heap, and every garbage collection, grow test by test.
    pytester.makepyfile(
        f"""
        import gc
        import weakref

        import httpx

        REFS = []

        def test_first({fixture}):
            httpx.post({fixture}.token_url, data={{"grant_type": "client_credentials"}},
                       auth=("demo-client", "demo-secret"))
            REFS.append(weakref.ref({fixture}))

        def test_second():
            gc.collect()
            assert REFS[0]() is None
        """
    )
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=2)


def test_oauth_provider_has_the_documented_defaults(pytester: pytest.Pytester):
    pytester.makepyfile(
        """
        from mock_provider import ManualClock, MockProvider

        def test_defaults(oauth_provider):
            assert isinstance(oauth_provider, MockProvider)
            assert isinstance(oauth_provider.clock, ManualClock)
            assert oauth_provider.url == "https://mock-oauth.test"
            assert oauth_provider.expires_in == 3600
            assert oauth_provider.token_format == "opaque"
            demo = oauth_provider.client("demo-client")
            assert demo.check_secret("demo-secret")
            assert demo.scopes == ()
            assert oauth_provider.ca_path is None
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_oauth_provider_lets_other_hosts_and_loopback_through(pytester: pytest.Pytester):
    pytester.makepyfile(
        """
        import httpx
        import pytest
        import respx

        def test_elsewhere_reaches_the_users_own_mock(oauth_provider):
            with respx.mock(assert_all_called=True) as users_mock:
                users_mock.get("https://api.example.test/").respond(204)
                assert httpx.get("https://api.example.test/").status_code == 204
                token = httpx.post(
                    oauth_provider.token_url,
                    data={"grant_type": "client_credentials"},
                    auth=("demo-client", "demo-secret"),
                )
            assert token.status_code == 200
            assert [r.endpoint for r in oauth_provider.requests] == ["token"]

        @pytest.fixture
        def anyio_backend():
            return "asyncio"

        @pytest.mark.anyio
        async def test_async_clients_are_answered_too(oauth_provider):
            async with httpx.AsyncClient() as http:
                token = await http.post(
                    oauth_provider.token_url,
                    data={"grant_type": "client_credentials"},
                    auth=("demo-client", "demo-secret"),
                )
            assert token.status_code == 200

        def test_nothing_is_intercepted_after_the_test():
            assert httpx.HTTPTransport.handle_request.__qualname__ == (
                "HTTPTransport.handle_request"
            )
            assert httpx.AsyncHTTPTransport.handle_async_request.__qualname__ == (
                "AsyncHTTPTransport.handle_async_request"
            )

        def test_loopback(oauth_provider, oauth_server):
            response = httpx.post(
                oauth_server.token_url,
                data={"grant_type": "client_credentials"},
                auth=("demo-client", "demo-secret"),
            )
            assert response.status_code == 200
            assert len(oauth_server.token_requests) == 1
            assert oauth_provider.requests == []
        """
    )
    pytester.runpytest().assert_outcomes(passed=4)


def test_make_oauth_provider_gives_each_provider_its_own_issuer_host(pytester: pytest.Pytester):
    pytester.makepyfile(
        """
        import httpx
        import pytest

        @pytest.mark.oauth_provider(expires_in=60)
        def test_two_issuers(oauth_provider, make_oauth_provider):
            second = make_oauth_provider()
            third = make_oauth_provider(expires_in=5, clients={"other": "other-secret"})
            assert [p.url for p in (oauth_provider, second, third)] == [
                "https://mock-oauth.test",
                "https://mock-oauth-2.test",
                "https://mock-oauth-3.test",
            ]
            answer = httpx.post(second.token_url, data={"grant_type": "client_credentials"},
                                auth=("demo-client", "demo-secret")).json()
            assert answer["expires_in"] == 60
            answer = httpx.post(third.token_url, data={"grant_type": "client_credentials"},
                                auth=("other", "other-secret")).json()
            assert answer["expires_in"] == 5
            assert len(second.requests) == len(third.requests) == 1
            assert oauth_provider.requests == []

        def test_named_issuer(make_oauth_provider):
            provider = make_oauth_provider(issuer="https://login.tenant.test/t1")
            assert httpx.get(provider.metadata_url).json()["issuer"] == provider.url
        """
    )
    pytester.runpytest().assert_outcomes(passed=2)


def test_make_oauth_provider_refuses_a_host_already_answered(pytester: pytest.Pytester):
    pytester.makepyfile(
        """
        def test_same_host(oauth_provider, make_oauth_provider):
            make_oauth_provider(issuer="https://mock-oauth.test/other")
        """
    )
    result = pytester.runpytest("--tb=short")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "E   ValueError: two providers of this test would answer mock-oauth.test; give each "
            "its own issuer, e.g. make_oauth_provider(issuer='https://other-issuer.test')",
        ]
    )


def test_make_oauth_provider_fails_on_a_typo_like_the_marker(pytester: pytest.Pytester):
    pytester.makepyfile(
        """
        def test_typo(make_oauth_provider):
            make_oauth_provider(expire_in=5)
        """
    )
    result = pytester.runpytest("--tb=short")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "E   TypeError: make_oauth_provider() got an unexpected keyword argument 'expire_in' "
            "(did you mean 'expires_in'?); valid options: clients, scopes, expires_in, "
            "token_format, access_token_alg, issuer, quirks, faults, clock, clock_start, tls, "
            "max_requests, "
            "assert_all_faults_fired, assert_all_requests_matched, assert_no_provider_errors",
        ]
    )
