"""No client secret and no token in repr, str, logs or exception messages; counters and logs."""

from __future__ import annotations

import logging

import httpx
import pytest

from mock_provider.protocol import fingerprint
from pytest_oauthcc import ClientCredentials, RetryPolicy, TokenEndpointError

from .conftest import SECRET, World


def leaks(text: str, world: World) -> list[str]:
    """Every secret or issued token that appears in ``text``."""
    found = [SECRET] if SECRET in text else []
    return found + [t.value for t in world.provider.tokens if t.value in text]


def test_repr_and_str_show_fingerprints_only(local: World) -> None:
    auth = local.make(scopes=["read"])
    local.get(auth)
    token = local.provider.tokens[0].value
    assert repr(auth) == str(auth)
    assert repr(auth) == (
        f"ClientCredentials(token_url='{local.provider.token_url}', client_id='app', "
        f"client_secret={fingerprint(SECRET)}, auth_method='client_secret_basic', "
        f"scopes=('read',), token={fingerprint(token)})"
    )
    assert leaks(repr(auth) + repr(auth.stats) + repr(auth.cache_key), local) == []


def test_debug_logs_never_show_the_secret_or_token(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="pytest_oauthcc")
    world.provider.add_fault("token", times=1, status=503, retry_after=1)
    auth = world.make()
    world.get(auth)
    world.provider.revoke(world.provider.tokens[0].value)
    world.get(auth)  # 401 -> refetch
    world.clock.advance(3600)
    world.get(auth)  # renewal
    world.revoke(auth)
    auth.invalidate()
    messages = [r.getMessage() for r in caplog.records if r.name == "pytest_oauthcc.client"]
    text = "\n".join(messages)
    assert leaks(text, world) == []
    assert any("retrying in 1s" in m for m in messages)
    assert any("refused by the API" in m for m in messages)
    assert any(m.startswith("got token fp:") for m in messages)
    assert any(m.endswith(" revoked") for m in messages)


def test_exception_messages_scrub_a_secret_the_provider_echoes() -> None:
    secret = "very-secret-value"

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            401,
            json={"error": "invalid_client", "error_description": f"bad secret {secret}"},
        )

    auth = ClientCredentials("https://as.test/t", "id", secret)
    with (
        httpx.Client(transport=httpx.MockTransport(handler)) as http,
        pytest.raises(TokenEndpointError) as caught,
    ):
        auth.fetch_token(http)
    assert str(caught.value) == (
        "the token endpoint refused the request with HTTP 401 error=invalid_client: "
        f"bad secret {fingerprint(secret)}"
    )
    assert caught.value.error_description == f"bad secret {fingerprint(secret)}"


@pytest.mark.parametrize(
    "fault",
    [
        {"error": "invalid_client"},
        {"status": 503, "retry_after": 1},
        {"malformed": "html"},
        {"malformed": "truncated_json"},
        {"drop": True},
    ],
)
def test_no_error_message_carries_a_secret_or_token(local: World, fault: dict[str, object]) -> None:
    auth = local.make(retry=RetryPolicy(max_attempts=1))
    local.get(auth)
    local.clock.advance(3600)
    local.provider.add_fault("token", times=1, **fault)  # type: ignore[arg-type]
    with pytest.raises(Exception) as caught:
        local.get(auth)
    shown = f"{caught.value}\n{caught.value!r}\n{caught.value.__cause__!r}"
    assert leaks(shown, local) == []


def test_counters_count(local: World) -> None:
    local.provider.add_fault("token", times=1, status=503, retry_after=1)
    auth = local.make()
    local.get(auth)  # 2 token requests, 1 retry
    local.get(auth)  # cache hit
    local.provider.revoke(local.provider.tokens[0].value)
    local.get(auth)  # hit, 401, invalidate, fetch
    local.clock.advance(3600)
    local.get(auth)  # renewal
    stats = auth.stats
    assert (
        stats.token_requests,
        stats.cache_hits,
        stats.renewals,
        stats.retries,
        stats.retries_401,
    ) == (4, 2, 1, 1, 1)


INNER_TEST = """
import os

import httpx
import pytest

from pytest_oauthcc import ClientCredentials


def handler(request):
    if request.url.path == "/denied":
        return httpx.Response(401, json={"error": "invalid_client"})
    if request.method == "POST":
        return httpx.Response(200, json={"access_token": os.environ["INNER_TOKEN"]})
    return httpx.Response(500)


@pytest.fixture
def auth():
    return ClientCredentials("https://as.test/token", "app", os.environ["INNER_SECRET"])


def test_refused(auth):
    auth2 = ClientCredentials("https://as.test/denied", "app", os.environ["INNER_SECRET"])
    with httpx.Client(auth=auth2, transport=httpx.MockTransport(handler)) as http:
        http.get("https://api.test/")


def test_fails_after_a_token_was_cached(auth):
    with httpx.Client(auth=auth, transport=httpx.MockTransport(handler)) as http:
        response = http.get("https://api.test/")
    assert response.status_code == 200, (auth, response.request.headers)
"""


def test_pytest_output_never_shows_the_secret_or_token(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = "inner-secret-" + "x7" * 8
    token = "inner-token-" + "q9" * 8
    monkeypatch.setenv("INNER_SECRET", secret)
    monkeypatch.setenv("INNER_TOKEN", token)
    pytester.makepyfile(INNER_TEST)
    result = pytester.runpytest_inprocess("-l", "--tb=long", "-p", "no:cacheprovider")
    result.assert_outcomes(failed=2)
    output = result.stdout.str() + result.stderr.str()
    assert "TokenEndpointError: the token endpoint refused the request" in output
    assert "client_secret=fp:" in output  # the client's repr, as a local, shows a fingerprint
    assert secret not in output
    assert token not in output


def test_exception_messages_scrub_an_encoded_echo_of_the_secret() -> None:
    import base64
    from urllib.parse import quote_plus

    secret = "s3cr+t/v@lue"
    basic = base64.b64encode(f"id:{quote_plus(secret)}".encode()).decode()

    def handler(request: httpx.Request) -> httpx.Response:
        echoed = f"got {quote_plus(secret)} in {request.headers['authorization']}"
        return httpx.Response(401, json={"error": "invalid_client", "error_description": echoed})

    auth = ClientCredentials("https://as.test/t", "id", secret)
    with (
        httpx.Client(transport=httpx.MockTransport(handler)) as http,
        pytest.raises(TokenEndpointError) as caught,
    ):
        auth.fetch_token(http)
    shown = fingerprint(secret)
    assert caught.value.error_description == f"got {shown} in Basic {shown}"
    assert quote_plus(secret) not in str(caught.value)
    assert basic not in str(caught.value)


def test_a_revocation_error_code_echoing_the_token_is_scrubbed() -> None:
    from pytest_oauthcc.errors import RevocationError

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/t":
            return httpx.Response(200, json={"access_token": "tok-echoed-123", "expires_in": 60})
        return httpx.Response(400, json={"error": "bad token tok-echoed-123"})

    auth = ClientCredentials(
        "https://as.test/t", "id", "secret-1", revocation_url="https://as.test/r"
    )
    with httpx.Client(transport=httpx.MockTransport(handler)) as http:
        auth.fetch_token(http)
        with pytest.raises(RevocationError) as caught:
            auth.revoke(http)
    assert "tok-echoed-123" not in str(caught.value)
    assert caught.value.error == f"bad token {fingerprint('tok-echoed-123')}"
