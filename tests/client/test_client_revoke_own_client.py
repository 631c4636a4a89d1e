"""revoke() / arevoke() without an http client: a short-lived httpx client with the client's
own settings (verify, timeout, no redirects), next to today's ``http=`` form."""

from __future__ import annotations

import asyncio
import ssl

import httpx
import pytest

from mock_provider import ManualClock, MockProvider
from pytest_oauthcc import ClientConfigurationError, ClientCredentials, RevocationError

from .conftest import CLIENT_ID, SECRET, START


def served_client(provider: MockProvider, **options: object) -> ClientCredentials:
    return ClientCredentials(
        provider.token_url,
        CLIENT_ID,
        SECRET,
        revocation_url=provider.revocation_url,
        clock=provider.clock,
        **options,  # type: ignore[arg-type]
    )


def new_provider() -> MockProvider:
    provider = MockProvider(clock=ManualClock(START))
    provider.add_client(CLIENT_ID, SECRET)
    return provider


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_rfc7009_2_1_revoke_without_http_uses_a_short_lived_client(mode: str) -> None:
    provider = new_provider()
    with provider.serve(tls=True) as server:
        assert server.ca_path is not None
        trusted = ssl.create_default_context(cafile=server.ca_path)
        auth = served_client(provider, verify=trusted)
        with httpx.Client(verify=trusted) as http:
            value = auth.fetch_token(http)
        revoked = auth.revoke() if mode == "sync" else asyncio.run(auth.arevoke())
    assert revoked is True
    assert auth.token_fingerprint is None
    issued = provider.find_token(value)
    assert issued is not None
    assert issued.revoked
    [revoke] = provider.find_requests(endpoint="revoke")
    assert (revoke.auth_method, revoke.status) == ("client_secret_basic", 200)


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_the_short_lived_client_verifies_tls_as_configured(mode: str) -> None:
    """Without the CA, verify=True refuses the server: the setting is the one used."""
    provider = new_provider()
    with provider.serve(tls=True) as server:
        assert server.ca_path is not None
        auth = served_client(provider)
        with httpx.Client(verify=ssl.create_default_context(cafile=server.ca_path)) as http:
            auth.fetch_token(http)
        with pytest.raises(RevocationError, match=r"could not be reached \(ConnectError\)"):
            auth.revoke() if mode == "sync" else asyncio.run(auth.arevoke())
    assert provider.find_requests(endpoint="revoke") == []


def test_the_short_lived_client_follows_no_redirect_and_keeps_the_timeout() -> None:
    auth = ClientCredentials(
        "https://as.example.test/token",
        CLIENT_ID,
        SECRET,
        revocation_url="https://as.example.test/revoke",
        timeout=httpx.Timeout(3.0, connect=1.5),
    )
    options = auth.settings.own_client_options()
    assert options["follow_redirects"] is False
    assert options["verify"] is True
    assert options["timeout"] == httpx.Timeout(3.0, connect=1.5)


def test_revoke_with_nothing_cached_and_no_http_sends_nothing() -> None:
    provider = new_provider()
    with provider.serve() as _:
        assert served_client(provider).revoke() is False
    assert provider.requests == []


def test_verify_must_be_a_flag_or_an_ssl_context() -> None:
    with pytest.raises(ClientConfigurationError) as caught:
        ClientCredentials("https://as.example.test/t", CLIENT_ID, SECRET, verify="ca.pem")  # type: ignore[arg-type]
    assert str(caught.value) == "verify must be True, False or an ssl.SSLContext, got str"
