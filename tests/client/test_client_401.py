"""A 401 from the API: compare-and-invalidate, refetch, retry once (RFC 6750 §3.1)."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import httpx
import pytest

from pytest_oauthcc import ClientCredentials

from .conftest import SSL_CONTEXT, World


def test_rfc6750_3_1_invalid_token_refetches_and_retries_once(world: World) -> None:
    auth = world.make()
    world.get(auth)
    first = world.provider.tokens[0]
    world.provider.revoke(first.value)  # the client still thinks it valid
    response = world.get(auth)
    assert response.status_code == 200
    assert auth.stats.retries_401 == 1
    assert len(world.provider.token_requests) == 2
    me = [r for r in world.provider.requests if r.endpoint == "me"]
    assert [r.status for r in me] == [200, 401, 200]


def test_a_second_401_is_returned_to_the_caller_as_is(world: World) -> None:
    auth = world.make()
    world.provider.add_fault("me", times=2, status=401, error="invalid_token")
    response = world.get(auth)
    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]
    assert len(world.provider.token_requests) == 2
    assert auth.stats.retries_401 == 1


def test_a_replayable_body_is_sent_again(local: World) -> None:
    local.provider.add_resource("echo", "/api/echo", methods=["POST"], body={"ok": True})
    auth = local.make()
    local.get(auth)
    local.provider.revoke(local.provider.tokens[0].value)
    response = local.request(auth, "POST", local.provider.resource_url("echo"), json={"a": 1})
    assert response.status_code == 200
    echo = [r for r in local.provider.requests if r.endpoint == "echo"]
    assert [r.status for r in echo] == [401, 200]


def api_with_401(tokens_seen: list[str], *, challenge: str) -> httpx.MockTransport:
    """A token endpoint issuing t1, t2, ... and an API refusing every token with 401."""
    issued: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and request.url.path == "/token":
            issued.append(f"t{len(issued) + 1}")
            return httpx.Response(200, json={"access_token": issued[-1], "expires_in": 3600})
        request.read()
        tokens_seen.append(request.headers["Authorization"])
        return httpx.Response(401, headers={"WWW-Authenticate": challenge})

    return httpx.MockTransport(handler)


def test_a_streaming_body_is_not_replayed() -> None:
    seen: list[str] = []
    auth = ClientCredentials("https://as.test/token", "id", "s")
    transport = api_with_401(seen, challenge='Bearer error="invalid_token"')

    def body() -> Iterator[bytes]:
        yield b"chunk"

    with httpx.Client(auth=auth, transport=transport) as http:
        response = http.post("https://api.test/upload", content=body())
    assert response.status_code == 401
    assert seen == ["Bearer t1"]
    assert auth.stats.retries_401 == 0


@pytest.mark.parametrize(
    ("on_401", "challenge", "retried"),
    [
        pytest.param("invalid_token", 'Bearer error="invalid_token"', True, id="default"),
        pytest.param("invalid_token", "Bearer error=invalid_token", True, id="unquoted"),
        pytest.param("invalid_token", 'Bearer realm="api"', False, id="default-no-code"),
        pytest.param("invalid_token", 'Bearer error="insufficient_scope"', False, id="scope"),
        pytest.param("any", 'Bearer realm="api"', True, id="any"),
        pytest.param("never", 'Bearer error="invalid_token"', False, id="never"),
    ],
)
def test_which_401s_mean_expired(on_401: str, challenge: str, retried: bool) -> None:
    seen: list[str] = []
    auth = ClientCredentials("https://as.test/token", "id", "s", on_401=on_401)
    with httpx.Client(auth=auth, transport=api_with_401(seen, challenge=challenge)) as http:
        assert http.get("https://api.test/x").status_code == 401
    assert seen == (["Bearer t1", "Bearer t2"] if retried else ["Bearer t1"])


def test_extra_expiry_signal_403(world: World) -> None:
    auth = world.make(expired_if=lambda response: response.status_code == 403)
    world.provider.add_fault("me", times=1, status=403, error="insufficient_scope")
    assert world.get(auth).status_code == 200
    assert auth.stats.retries_401 == 1


def test_extra_expiry_signal_from_the_body(world: World) -> None:
    def expired(response: httpx.Response) -> bool:
        is_json = response.headers.get("content-type", "").startswith("application/json")
        return is_json and bool(response.json().get("error") == "token_expired")

    auth = world.make(expired_if=expired)
    world.provider.add_fault("me", times=1, status=200, body={"error": "token_expired"})
    response = world.get(auth)
    assert response.json()["client_id"] == "app"
    assert len(world.provider.token_requests) == 2


def test_concurrent_401s_for_one_token_cause_one_refetch(local: World) -> None:
    auth = local.make()
    local.get(auth)
    local.provider.revoke(local.provider.tokens[0].value)
    start = threading.Barrier(20)
    statuses: list[int] = []
    with httpx.Client(auth=auth, transport=local.provider.transport(), verify=SSL_CONTEXT) as http:

        def run() -> None:
            start.wait()
            statuses.append(http.get(local.provider.me_url).status_code)

        pool = [threading.Thread(target=run) for _ in range(20)]
        for thread in pool:
            thread.start()
        for thread in pool:
            thread.join(30)
    assert statuses == [200] * 20
    assert len(local.provider.token_requests) == 2


def test_a_401_from_a_host_the_token_was_not_sent_to_is_ignored() -> None:
    """After a cross-origin redirect httpx strips the token; that host's 401 says nothing
    about our token."""
    tokens = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal tokens
        if request.url.host == "as.test":
            tokens += 1
            return httpx.Response(200, json={"access_token": "t", "expires_in": 60})
        if request.url.host == "api.test":
            return httpx.Response(302, headers={"Location": "https://other.test/"})
        assert "Authorization" not in request.headers
        return httpx.Response(401, headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})

    auth = ClientCredentials("https://as.test/token", "id", "s")
    transport = httpx.MockTransport(handler)
    with httpx.Client(auth=auth, transport=transport, follow_redirects=True) as http:
        assert http.get("https://api.test/").status_code == 401
    assert tokens == 1
