"""Property tests: Basic credentials round-trip for any id/secret, and any fault sequence
that ends in success within the retry budget yields a token without ever sending an
expired or revoked one."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mock_provider import ManualClock, MockProvider
from mock_provider.protocol.rfc6749 import decode_basic
from pytest_oauthcc import ClientCredentials, RetryPolicy
from pytest_oauthcc.client.token_request import basic_authorization

from .conftest import SSL_CONTEXT, START, FakeSleeper

PROFILE = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Any Unicode a str can carry in UTF-8 (lone surrogates cannot be sent at all).
credential = st.text(st.characters(codec="utf-8"), min_size=1, max_size=40)


@PROFILE
@given(client_id=credential, secret=credential)
def test_rfc6749_2_3_1_basic_header_round_trips_any_credentials(
    client_id: str, secret: str
) -> None:
    value = basic_authorization(client_id, secret)
    assert decode_basic(value, realm="r") == (client_id, secret)


@PROFILE
@given(client_id=credential.filter(lambda s: ":" not in s), secret=credential)
def test_raw_basic_header_round_trips_for_raw_decoders(client_id: str, secret: str) -> None:
    value = basic_authorization(client_id, secret, form_encode=False)
    assert decode_basic(value, realm="r", form_encoded=False) == (client_id, secret)


@settings(max_examples=25, deadline=None)
@given(client_id=credential, secret=credential)
def test_the_provider_accepts_any_credentials_the_client_sends(client_id: str, secret: str) -> None:
    provider = MockProvider(clock=ManualClock(START))
    provider.add_client(client_id, secret)
    auth = ClientCredentials(provider.token_url, client_id, secret, clock=provider.clock)
    with httpx.Client(auth=auth, transport=provider.transport(), verify=SSL_CONTEXT) as http:
        assert http.get(provider.me_url).json()["client_id"] == client_id


TRANSIENT: list[dict[str, Any]] = [
    {"status": 503},
    {"status": 429, "retry_after": 2},
    {"status": 503, "retry_after": 1},
    {"status": 502, "malformed": "html"},
    {"status": 500, "error": "server_error"},
    {"status": 503, "error": "temporarily_unavailable"},
    {"drop": True},
]
MAX_ATTEMPTS = 4
faults = st.lists(st.sampled_from(TRANSIENT), max_size=MAX_ATTEMPTS - 1)
Step = tuple[str, Any]
step = st.one_of(
    st.tuples(st.just("get"), faults),
    st.tuples(st.just("advance"), st.floats(min_value=0, max_value=4000)),
    st.tuples(st.just("revoke"), st.none()),
    st.tuples(st.just("invalidate"), st.none()),
)


def run_steps_sync(provider: MockProvider, auth: ClientCredentials, steps: list[Step]) -> None:
    with httpx.Client(auth=auth, transport=provider.transport(), verify=SSL_CONTEXT) as http:
        for action, arg in steps:
            if action == "get":
                queue_faults(provider, auth, arg)
                # fetch_token first: httpx does not let an auth flow retry network errors.
                token = auth.fetch_token(http)
                assert provider.active_token(token) is not None
                assert http.get(provider.me_url).status_code == 200
                assert provider.faults.pending == []
            elif action == "revoke":
                auth.revoke(http)
            else:
                other_step(provider, auth, action, arg)


async def run_steps_async(
    provider: MockProvider, auth: ClientCredentials, steps: list[Step]
) -> None:
    transport = provider.async_transport()
    async with httpx.AsyncClient(auth=auth, transport=transport, verify=SSL_CONTEXT) as http:
        for action, arg in steps:
            if action == "get":
                queue_faults(provider, auth, arg)
                token = await auth.afetch_token(http)
                assert provider.active_token(token) is not None
                assert (await http.get(provider.me_url)).status_code == 200
                assert provider.faults.pending == []
            elif action == "revoke":
                await auth.arevoke(http)
            else:
                other_step(provider, auth, action, arg)


def queue_faults(provider: MockProvider, auth: ClientCredentials, faults: list[Any]) -> None:
    if faults:
        auth.invalidate()  # so that the next request meets the faults
    for fault in faults:
        provider.add_fault("token", times=1, **fault)


def other_step(provider: MockProvider, auth: ClientCredentials, action: str, arg: Any) -> None:
    if action == "advance":
        clock = provider.clock
        assert isinstance(clock, ManualClock)
        clock.advance(arg)
    else:
        auth.invalidate()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    steps=st.lists(step, min_size=1, max_size=8),
    renew_before=st.sampled_from([0, 60, 600]),
    mode=st.sampled_from(["sync", "async"]),
)
def test_any_recoverable_fault_sequence_yields_a_token_never_an_expired_or_revoked_one(
    steps: list[Step], renew_before: float, mode: str
) -> None:
    clock = ManualClock(START)
    provider = MockProvider(clock=clock, expires_in=900)
    provider.add_client("app", "secret-value")
    sleeper = FakeSleeper(clock)
    auth = ClientCredentials(
        provider.token_url,
        "app",
        "secret-value",
        clock=clock,
        sleep=sleeper,
        async_sleep=sleeper.asleep,
        revocation_url=provider.revocation_url,
        renew_before=renew_before,
        retry=RetryPolicy(max_attempts=MAX_ATTEMPTS, budget=60),
    )
    if mode == "sync":
        run_steps_sync(provider, auth, steps)
    else:
        asyncio.run(run_steps_async(provider, auth, steps))
    api_calls = [r for r in provider.requests if r.endpoint == "me"]
    # A 401 would mean the client sent a token the provider considers expired or revoked.
    assert all(r.status == 200 for r in api_calls)
