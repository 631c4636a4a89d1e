"""oauth_client and oauth_async_client: the reference client bound to oauth_provider."""

from __future__ import annotations

import pytest


def test_oauth_client_gets_caches_and_renews_on_the_providers_clock(pytester: pytest.Pytester):
    pytester.makepyfile(
        """
        import httpx
        import pytest
        from pytest_oauthcc import ClientCredentials

        def test_renewal(oauth_client, oauth_provider):
            assert isinstance(oauth_client, httpx.Client)
            assert isinstance(oauth_client.auth, ClientCredentials)
            assert oauth_client.get("/api/me").json()["client_id"] == "demo-client"
            assert oauth_client.get("/api/me").status_code == 200
            assert len(oauth_provider.token_requests) == 1
            oauth_provider.clock.advance(3600)
            assert oauth_client.get("/api/me").status_code == 200
            assert len(oauth_provider.token_requests) == 2

        @pytest.mark.oauth_provider(
            faults=[{"endpoint": "token", "status": 503, "retry_after": 30}]
        )
        def test_retry_waits_on_the_clock(oauth_client, oauth_provider):
            start = oauth_provider.clock.time()
            assert oauth_client.get("/api/me").status_code == 200
            assert [r.status for r in oauth_provider.token_requests] == [503, 200]
            assert oauth_provider.clock.time() == start + 30

        @pytest.mark.anyio
        async def test_async(oauth_async_client, oauth_provider):
            assert isinstance(oauth_async_client, httpx.AsyncClient)
            async with oauth_async_client:
                assert (await oauth_async_client.get("/api/me")).status_code == 200
                oauth_provider.clock.advance(3600)
                assert (await oauth_async_client.get("/api/me")).status_code == 200
            assert len(oauth_provider.token_requests) == 2
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


def test_oauth_client_output_never_shows_the_secret_or_token(pytester: pytest.Pytester):
    pytester.makepyfile(
        """
        import pathlib

        def test_fails(oauth_client, oauth_provider):
            response = oauth_client.get("/api/me")
            oauth_client.get("/api/nowhere")
            token = oauth_provider.tokens[0]
            pathlib.Path("token.txt").write_text(token.value)
            print(oauth_client.auth, oauth_provider.requests, token)
            assert response.status_code == 999
        """
    )
    result = pytester.runpytest("-vv", "--showlocals", "-rA")
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    token = (pytester.path / "token.txt").read_text()
    assert "demo-client" in out
    assert "1 request matched no endpoint" in out
    assert "demo-secret" not in out
    assert "ZGVtby1jbGllbnQ6ZGVtby1zZWNyZXQ" not in out  # base64 of demo-client:demo-secret
    assert token not in out
