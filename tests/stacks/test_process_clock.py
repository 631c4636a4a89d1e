"""clock="process": advancing the provider's clock moves the wall clock third-party clients
read, while the monotonic clock (and so the event loop) stays real."""

from __future__ import annotations

import asyncio
import builtins
import datetime
import time

import pytest
from authlib.oauth2.rfc6749 import OAuth2Token

from mock_provider import ManualClock, MockProvider
from mock_provider.state.process_clock import ProcessClock, ProcessClockError
from mock_provider.transport import routing

NOW = 1_700_000_000


def test_it_is_a_manual_clock() -> None:
    clock = ProcessClock(NOW)
    assert isinstance(clock, ManualClock)
    assert clock.advance(5) == NOW + 5
    assert clock.time() == clock.monotonic() == NOW + 5
    with pytest.raises(ValueError, match="a clock only moves forward"):
        clock.advance(-1)


def test_the_wall_clock_follows_advance_and_set_and_comes_back_on_stop() -> None:
    with ProcessClock(NOW) as clock:
        assert clock.started
        assert NOW <= time.time() < NOW + 5
        clock.advance(3600)
        assert NOW + 3600 <= time.time() < NOW + 3605
        assert datetime.datetime.now(datetime.timezone.utc).timestamp() >= NOW + 3600
        clock.set(NOW + 7200)
        assert NOW + 7200 <= time.time() < NOW + 7205
    assert not clock.started
    assert time.time() > NOW + 10**7  # the real clock (this test runs after 2024)
    clock.stop()  # idempotent


def test_monotonic_time_and_the_event_loop_stay_real() -> None:
    async def loop_time_across_a_jump(clock: ProcessClock) -> float:
        loop = asyncio.get_running_loop()
        before = loop.time()
        clock.advance(86_400)
        await asyncio.sleep(0)
        return loop.time() - before

    monotonic = time.monotonic()
    with ProcessClock(NOW) as clock:
        elapsed = asyncio.run(loop_time_across_a_jump(clock))
        assert time.monotonic() - monotonic < 60
    assert 0 <= elapsed < 60


def test_authlib_token_expiry_follows_advance() -> None:
    with ProcessClock() as clock:
        token = OAuth2Token.from_dict({"access_token": "t", "expires_in": 300})
        assert not token.is_expired()
        clock.advance(299 - 60)  # Authlib's default leeway is 60 s
        assert not token.is_expired()
        clock.advance(61)
        assert token.is_expired()


def test_httpx_auth_renews_after_advance() -> None:
    import httpx
    import httpx_auth

    clock = ProcessClock()
    provider = MockProvider(clock=clock, expires_in=300)
    provider.add_client("renewing", "renewing-secret")
    auth = httpx_auth.OAuth2ClientCredentials(provider.token_url, "renewing", "renewing-secret")
    undo = routing.register(provider.url, provider)
    try:
        with clock, httpx.Client(auth=auth) as http:
            assert http.get(provider.me_url).status_code == 200
            assert http.get(provider.me_url).status_code == 200
            clock.advance(300)  # expired for the provider and, now, for httpx-auth too
            assert http.get(provider.me_url).status_code == 200
    finally:
        undo()
        httpx_auth.OAuth2.token_cache.clear()
    assert [r.endpoint for r in provider.requests] == ["token", "me", "me", "token", "me"]


def test_a_missing_time_machine_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def no_time_machine(name: str, *args: object, **kwargs: object) -> object:
        if name == "time_machine":
            raise ImportError("No module named 'time_machine'")
        return real_import(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "__import__", no_time_machine)
    with pytest.raises(ProcessClockError) as missing:
        ProcessClock(NOW).start()
    assert str(missing.value) == (
        'clock="process" moves the process wall clock with time-machine, which is not '
        "installed: pip install 'pytest-oauthcc[clock]' (or time-machine)"
    )
