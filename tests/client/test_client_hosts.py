"""Where the token may go: allowed_hosts (exact or ``*.domain``), redirects, TLS (RFC 6750 §5.3)."""

from __future__ import annotations

import ssl

import httpx
import pytest

from pytest_oauthcc import ClientCredentials, DisallowedHostError


def recorder() -> tuple[httpx.MockTransport, list[httpx.Request]]:
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        if request.url.host == "as.example.com":
            return httpx.Response(200, json={"access_token": "tok-1", "expires_in": 60})
        if request.url.path == "/redirect":
            return httpx.Response(302, headers={"Location": "https://evil.test/steal"})
        return httpx.Response(200)

    return httpx.MockTransport(handler), sent


def send(auth: ClientCredentials, url: str, *, follow: bool = False) -> list[httpx.Request]:
    transport, sent = recorder()
    with httpx.Client(auth=auth, transport=transport, follow_redirects=follow) as http:
        http.get(url)
    return sent


ALLOWED = ["api.example.com", "*.svc.example.com", "Upper.Example.Org.", "[::1]"]


@pytest.mark.parametrize(
    "url",
    [
        "https://api.example.com/x",
        "https://API.example.com/x",
        "https://a.svc.example.com/",
        "https://a.b.svc.example.com/",
        "https://upper.example.org/",
        "https://[::1]:8443/",
    ],
)
def test_allowed_hosts_exact_and_subdomain_patterns(url: str) -> None:
    auth = ClientCredentials("https://as.example.com/t", "id", "s", allowed_hosts=ALLOWED)
    sent = send(auth, url)
    assert sent[-1].headers["Authorization"] == "Bearer tok-1"


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/",
        "https://svc.example.com/",  # the bare domain of a pattern needs its own entry
        "https://xsvc.example.com/",
        "https://api.example.com.evil.test/",
        "https://evil.test/",
    ],
)
def test_other_hosts_are_refused_before_anything_is_sent(url: str) -> None:
    auth = ClientCredentials("https://as.example.com/t", "id", "s", allowed_hosts=ALLOWED)
    transport, sent = recorder()
    with (
        httpx.Client(auth=auth, transport=transport) as http,
        pytest.raises(DisallowedHostError) as caught,
    ):
        http.get(url)
    assert sent == []  # not even a token request
    host = httpx.URL(url).host
    assert caught.value.host == host
    assert str(caught.value) == (
        f"refused to send the access token to {host!r}: it is not in allowed_hosts:\n"
        "  ::1\n  api.example.com\n  upper.example.org\n  *.svc.example.com\n"
        "Add the host to allowed_hosts if it should get it."
    )


@pytest.mark.parametrize("allowed", [None, ["api.example.com"]])
def test_a_redirect_to_another_host_does_not_carry_the_token(allowed: list[str] | None) -> None:
    auth = ClientCredentials("https://as.example.com/t", "id", "s", allowed_hosts=allowed)
    sent = send(auth, "https://api.example.com/redirect", follow=True)
    assert [r.url.host for r in sent] == ["as.example.com", "api.example.com", "evil.test"]
    assert "Authorization" not in sent[-1].headers


def test_rfc6750_5_3_no_token_over_plain_http_except_loopback() -> None:
    auth = ClientCredentials("https://as.example.com/t", "id", "s")
    with pytest.raises(DisallowedHostError, match=r"plain HTTP to 'api.example.com'.*§5\.3"):
        send(auth, "http://api.example.com/")
    assert send(auth, "http://127.0.0.1:8000/")[-1].headers["Authorization"] == "Bearer tok-1"
    insecure = ClientCredentials("https://as.example.com/t", "id", "s", allow_insecure_http=True)
    assert send(insecure, "http://api.internal/")[-1].headers["Authorization"] == "Bearer tok-1"


def test_over_tls_on_a_socket() -> None:
    from .conftest import CLIENT_ID, SECRET, new_provider

    provider = new_provider()
    with provider.serve(tls=True) as server:
        assert server.ca_path is not None
        auth = ClientCredentials(provider.token_url, CLIENT_ID, SECRET, clock=provider.clock)
        assert provider.token_url.startswith("https://127.0.0.1:")
        trust = ssl.create_default_context(cafile=server.ca_path)
        with httpx.Client(auth=auth, verify=trust) as http:
            assert http.get(provider.me_url).json()["client_id"] == CLIENT_ID
    assert provider.token_requests[0].auth_method == "client_secret_basic"
