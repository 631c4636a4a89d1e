"""One clock per provider, advanced rather than slept; a token store with bounded memory."""

from __future__ import annotations

import math

import pytest

from mock_provider import ManualClock, MockProvider, MockProviderError, SystemClock


def test_manual_clock_moves_only_forward() -> None:
    clock = ManualClock(100)
    assert clock.advance(5.5) == 105.5
    clock.set(200)
    assert clock.time() == 200
    with pytest.raises(ValueError, match="a clock only moves forward"):
        clock.advance(-1)
    with pytest.raises(ValueError, match="a clock only moves forward"):
        clock.advance(math.inf)
    with pytest.raises(ValueError, match="a clock only moves forward"):
        clock.set(199)


def test_manual_clock_defaults_to_the_wall_time_in_whole_seconds() -> None:
    now = ManualClock().time()
    assert now == int(now)
    assert abs(now - SystemClock().time()) < 3600  # plausible to real clients


def test_system_clock_offset() -> None:
    clock = SystemClock(offset=60)
    assert clock.advance(60) - SystemClock().time() == pytest.approx(120, abs=5)


def test_every_time_comes_from_the_provider_clock() -> None:
    provider = MockProvider(clock=ManualClock(1_000), expires_in=100)
    provider.add_client("c", "s")
    token = provider.issue_token("c")
    assert (token.issued_at, token.expires_at) == (1_000, 1_100)
    provider.clock.advance(99)  # type: ignore[attr-defined]
    assert provider.active_token(token.value) is token
    provider.clock.advance(1)  # type: ignore[attr-defined]
    assert provider.active_token(token.value) is None


def test_expired_and_revoked_tokens_are_purged_when_the_store_grows() -> None:
    provider = MockProvider(clock=ManualClock(0), expires_in=10)
    provider.add_client("c", "s")
    long_lived = provider.issue_token("c", expires_in=10_000)
    revoked = provider.issue_token("c", expires_in=10_000)
    provider.revoke(revoked.value)
    for _ in range(2100):
        provider.issue_token("c")
    provider.clock.advance(10)  # type: ignore[attr-defined]
    fresh = provider.issue_token("c")
    # The dead tokens went; the live ones stayed, so memory stays bounded under load.
    assert provider.tokens == [long_lived, fresh]
    assert provider.find_token(revoked.value) is None


def test_issue_token_for_an_unknown_client() -> None:
    with pytest.raises(MockProviderError, match="no client registered as 'ghost'"):
        MockProvider().issue_token("ghost")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        pytest.param({"token_format": "xml"}, "token_format must be one of", id="format"),
        pytest.param({"expires_in": -1}, "expires_in must be a whole number", id="negative"),
        pytest.param({"token_path": "oauth/token"}, "endpoint paths start with '/'", id="path"),
    ],
)
def test_provider_arguments_are_validated(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        MockProvider(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        pytest.param({"client_id": ""}, "must be non-empty", id="empty_id"),
        pytest.param({"auth_methods": ["private_key_jwt"]}, "auth_methods must be", id="method"),
        pytest.param({"default_scopes": ["admin"]}, "must be among scopes", id="defaults"),
    ],
)
def test_add_client_arguments_are_validated(kwargs: dict[str, object], message: str) -> None:
    arguments: dict[str, object] = {"client_id": "c", "client_secret": "s", **kwargs}
    with pytest.raises(ValueError, match=message):
        MockProvider().add_client(**arguments)  # type: ignore[arg-type]


def test_many_live_tokens_do_not_rescan_the_store_on_every_issue(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    provider = MockProvider(clock=ManualClock(0), expires_in=10_000)
    provider.add_client("c", "s")
    scans = 0
    store = provider.core.token_store
    purge = store._purge

    def counting_purge(now: float) -> None:
        nonlocal scans
        scans += 1
        purge(now)

    monkeypatch.setattr(store, "_purge", counting_purge)
    for _ in range(6000):
        provider.issue_token("c")
    # Without a clock move, a purge runs only when the store doubles: 2049 and 4098.
    assert scans == 2
    assert len(provider.tokens) == 6000
