"""The marker's path issuers (``issuer="/tenant"``) for both fixtures, and client keys given
through the marker's ``clients=[...]``."""

from __future__ import annotations

import pytest


def test_path_issuer_for_oauth_provider_and_oauth_server(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import httpx
        import pytest

        @pytest.mark.oauth_provider(issuer="/tenant")
        def test_in_process(oauth_provider):
            assert oauth_provider.url == "https://mock-oauth.test/tenant"
            assert oauth_provider.metadata_url == (
                "https://mock-oauth.test/.well-known/oauth-authorization-server/tenant"
            )
            doc = httpx.get(oauth_provider.openid_configuration_url).json()
            assert doc["issuer"] == "https://mock-oauth.test/tenant"
            token = httpx.post(
                doc["token_endpoint"],
                data={"grant_type": "client_credentials"},
                auth=("demo-client", "demo-secret"),
            )
            assert token.status_code == 200

        @pytest.mark.oauth_provider(issuer="/tenant/")
        def test_served(oauth_server):
            assert oauth_server.url.startswith("http://127.0.0.1:")
            assert oauth_server.url.endswith("/tenant")
            doc = httpx.get(oauth_server.url + "/.well-known/openid-configuration").json()
            assert doc["issuer"] == oauth_server.url
            metadata = httpx.get(oauth_server.metadata_url)
            assert metadata.json()["token_endpoint"] == oauth_server.url + "/oauth/token"

        def test_factory(make_oauth_provider):
            other = make_oauth_provider(issuer="/t2")
            assert other.url == "https://mock-oauth-2.test/t2"
        """
    )
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=3)


def test_marker_clients_take_jwks(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import httpx
        import pytest
        from joserfc.jwk import RSAKey

        KEY = RSAKey.generate_key(2048)
        JWKS = {"keys": [dict(KEY.as_dict(private=False), kid="k1")]}

        @pytest.mark.oauth_provider(clients=[{"client_id": "svc", "jwks": JWKS}])
        def test_keys(oauth_provider):
            client = oauth_provider.clients["svc"]
            assert client.auth_methods == ("private_key_jwt",)
            assert "jwks=" not in repr(client)
            assert JWKS["keys"][0]["n"][:40] not in repr(client)
        """
    )
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=1)
