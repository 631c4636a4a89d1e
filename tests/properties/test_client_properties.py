"""The reference client against every provider behaviour the strategies can describe.

The client runs on the provider's ``ManualClock`` with a sleeper that advances it, so retry
waits cost nothing and nothing really sleeps.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import quote_plus

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mock_provider import ManualClock, MockProvider
from pytest_oauthcc import (
    ClientCredentials,
    ClientCredentialsError,
    InvalidTokenResponseError,
    RetryPolicy,
    TokenEndpointError,
)
from pytest_oauthcc.strategies import (
    ErrorAnswer,
    FaultPlan,
    TokenAnswer,
    client_ids,
    client_secrets,
    fault_plans,
    oauth_errors,
    token_responses,
)

START = 1_800_000_000.0
LIFETIME = 3600
CLIENT = "app"
SECRET = "s3cr:t %+/ é-client-secret"
NO_DROPS = ("status", "oauth_error", "malformed", "delay", "quirks", "revoke", "expire", "advance")
# Quirks that make the provider announce a lifetime other than the token's real one; with
# them the client cannot know when a token dies until the API says so.
MISLEADING = {"claimed_expires_in", "lifetime_ms"}


def secret_forms(client_id: str, secret: str) -> list[str]:
    """The ways a secret could leak: as is, form-encoded, inside a Basic header."""
    basic = base64.b64encode(f"{quote_plus(client_id)}:{quote_plus(secret)}".encode()).decode()
    return [secret, quote_plus(secret), basic]


class Sleeper:
    """Advances the clock instead of sleeping."""

    def __init__(self, clock: ManualClock) -> None:
        self.clock = clock

    def __call__(self, seconds: float) -> None:
        self.clock.advance(seconds)


@contextmanager
def captured_logs() -> Iterator[list[str]]:
    """Every log line of the client and the provider, at DEBUG."""
    lines: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(self.format(record))

    handler = Keep(logging.DEBUG)
    loggers = [logging.getLogger(name) for name in ("pytest_oauthcc", "mock_provider")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)
    try:
        yield lines
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.removeHandler(handler)
            logger.setLevel(level)


def new_provider(client_id: str = CLIENT, secret: str = SECRET) -> MockProvider:
    provider = MockProvider(clock=ManualClock(START), expires_in=LIFETIME)
    provider.add_client(client_id, secret)
    return provider


def new_client(
    provider: MockProvider, plan: FaultPlan | None = None, **options: Any
) -> ClientCredentials:
    clock = provider.clock
    assert isinstance(clock, ManualClock)
    options.setdefault("client_id", CLIENT)
    options.setdefault("client_secret", SECRET)
    attempts = plan.max_attempts if plan is not None else 1
    return ClientCredentials(
        provider.token_url,
        clock=clock,
        sleep=Sleeper(clock),
        retry=RetryPolicy(max_attempts=attempts, random=lambda: 0.5),
        default_expires_in=LIFETIME,
        **options,
    )


@given(
    client_id=client_ids(non_ascii=True),
    secret=client_secrets(),
    auth_method=st.sampled_from(("client_secret_basic", "client_secret_post")),
)
def test_rfc6749_2_3_1_any_credentials_get_a_token(
    client_id: str, secret: str, auth_method: str
) -> None:
    # A marker no repr contains, so a leak check cannot mistake the id or a method name
    # ("client_secret_post") for the secret; the generated part keeps every hard character.
    secret = "Ω-" + secret
    provider = new_provider(client_id, secret)
    client = new_client(
        provider, client_id=client_id, client_secret=secret, auth_method=auth_method
    )
    with httpx.Client(transport=provider.transport()) as http:
        token = client.fetch_token(http)
    record = provider.active_token(token)
    assert record is not None
    assert record.client_id == client_id
    shown = repr(client) + repr(provider.requests)
    assert not any(form in shown for form in secret_forms(client_id, secret))


def answering(answer: Any) -> tuple[httpx.Client, list[httpx.Request]]:
    """A client whose token endpoint always sends ``answer``."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return answer.to_httpx(request)  # type: ignore[no-any-return]

    return httpx.Client(transport=httpx.MockTransport(handler)), seen


@given(token_responses(quirks=True, issued_at=START))
def test_rfc6749_5_1_every_quirky_answer_is_read_or_refused_with_a_typed_error(
    answer: TokenAnswer,
) -> None:
    quirks = answer.quirks
    nest = quirks.get("nest_under")
    clock = ManualClock(START)
    client = ClientCredentials(
        "https://provider.test/token",
        CLIENT,
        SECRET,
        clock=clock,
        token_path=f"{nest}.access_token" if nest else "access_token",
        expires_in_unit="ms" if quirks.get("lifetime_ms") else "s",
        default_expires_in=7777,
        renew_before=60,
    )
    http, seen = answering(answer)
    if nest and quirks.get("form_encoded_response"):
        # A form body is flat: the nested token is a JSON string the client cannot reach.
        with pytest.raises(InvalidTokenResponseError):
            client.fetch_token(http)
        return
    assert client.fetch_token(http) == answer.access_token
    unknown = quirks.get("expires_in_as") in ("zero", "missing") and "expires_at" not in quirks
    lifetime = 7777 if unknown else answer.lifetime
    renew_at = START + lifetime - min(60, lifetime / 2)
    clock.set(renew_at - 0.25)
    client.fetch_token(http)
    assert len(seen) == 1, "renewed before renew_before"
    clock.set(START + lifetime)
    # The same answer again may now state an expires_at in the past: only the request counts.
    with contextlib.suppress(InvalidTokenResponseError):
        client.fetch_token(http)
    assert len(seen) == 2, "used the token past its stated lifetime"


@given(oauth_errors(where="token"))
def test_rfc6749_5_2_every_error_answer_is_a_typed_error_without_the_secret(
    answer: ErrorAnswer,
) -> None:
    client = ClientCredentials(
        "https://provider.test/token", CLIENT, SECRET, retry=RetryPolicy(max_attempts=1)
    )
    http, _ = answering(answer)
    with pytest.raises(TokenEndpointError) as info:
        client.fetch_token(http)
    assert (info.value.error, info.value.status) == (answer.error, answer.status)
    assert info.value.retryable is (answer.error in ("server_error", "temporarily_unavailable"))
    assert not any(form in str(info.value) for form in secret_forms(CLIENT, SECRET))


def api_requests(provider: MockProvider) -> list[Any]:
    return [r for r in provider.requests if r.endpoint == "me"]


@given(fault_plans(eventually_succeeds=True, behaviours=NO_DROPS))
def test_a_plan_that_eventually_succeeds_is_survived_without_dead_tokens(plan: FaultPlan) -> None:
    provider = new_provider()
    client = new_client(provider, plan)
    with captured_logs() as logs, httpx.Client(auth=client, transport=provider.transport()) as http:
        statuses = plan.run(provider, lambda: http.get(provider.me_url).status_code)
    # Within its retry budget, every call got through (one 401 retry per call at most).
    assert statuses == [200] * (1 + len(plan.events))
    # No more token requests than the plan forces.
    assert len(provider.token_requests) <= plan.max_token_requests
    # No request with a token the client had been told is dead: refused by the API before,
    # or past the lifetime the provider announced (when it announced the real one).
    issued = {t.fingerprint: t for t in provider.tokens}
    refused: set[str] = set()
    for request in api_requests(provider):
        assert request.token not in refused, f"reused refused token at {request.time}"
        if request.status == 401:
            refused.add(request.token)
        if not MISLEADING & set(plan.quirks):
            assert request.time < issued[request.token].issued_at + LIFETIME
    assert not any(form in line for line in logs for form in secret_forms(CLIENT, SECRET))


@given(fault_plans(eventually_succeeds=True, behaviours=NO_DROPS))
def test_the_async_client_survives_the_same_plans(plan: FaultPlan) -> None:
    provider = new_provider()
    clock = provider.clock
    assert isinstance(clock, ManualClock)

    async def asleep(seconds: float) -> None:
        clock.advance(seconds)

    client = new_client(provider, plan, async_sleep=asleep)

    async def calls() -> list[int]:
        async with httpx.AsyncClient(auth=client, transport=provider.async_transport()) as http:
            plan.apply(provider)
            statuses = [(await http.get(provider.me_url)).status_code]
            for event in plan.events:
                event.apply(provider)
                statuses.append((await http.get(provider.me_url)).status_code)
            provider.clear_faults()
            return statuses

    assert asyncio.run(calls()) == [200] * (1 + len(plan.events))
    assert len(provider.token_requests) <= plan.max_token_requests


@given(fault_plans(eventually_succeeds=True))
def test_the_first_token_takes_exactly_the_requests_the_plan_needs(plan: FaultPlan) -> None:
    provider = new_provider()
    client = new_client(provider, plan)
    plan.apply(provider)
    with httpx.Client(transport=provider.transport()) as http:
        token = client.fetch_token(http)
    assert provider.active_token(token) is not None
    assert len(provider.token_requests) == plan.succeeds_within


@given(fault_plans(eventually_succeeds=False))
def test_a_plan_that_fails_fails_with_a_typed_error_that_keeps_the_secret(plan: FaultPlan) -> None:
    provider = new_provider()
    client = new_client(provider, plan)
    with (
        captured_logs() as logs,
        httpx.Client(transport=provider.transport()) as http,
        pytest.raises(ClientCredentialsError) as info,
    ):
        plan.run(provider, lambda: client.fetch_token(http))
    error = info.value
    shown = [str(error), repr(error), *(str(e) for e in (error.__cause__, error.__context__) if e)]
    for form in secret_forms(CLIENT, SECRET):
        assert not any(form in text for text in shown)
        assert not any(form in line for line in logs)
    assert len(provider.token_requests) <= plan.max_token_requests
