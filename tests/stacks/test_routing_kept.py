"""Hooks kept past the last removal (``routing.keep_hooks``, what the plugin does between two
tests that both route): they pass everything through until the next registration, which
checks that each is still on top of its stack and hooks the stack again where it is not."""

from __future__ import annotations

import subprocess
import sys
import types
from collections.abc import Iterator

import httpx
import pytest

from mock_provider import MockProvider
from mock_provider.transport import routing

from .conftest import CLIENT_ID, CLIENT_SECRET, TOKEN_FORM


@pytest.fixture
def keeping() -> Iterator[None]:
    routing.keep_hooks(True)
    try:
        yield
    finally:
        routing.keep_hooks(False)
    assert routing.hooked_stacks() == ()


def _provider(url: str) -> MockProvider:
    provider = MockProvider(url)
    provider.add_client(CLIENT_ID, CLIENT_SECRET)
    return provider


def _token_status(provider: MockProvider) -> int:
    with httpx.Client() as http:
        return http.post(
            provider.token_url, data=TOKEN_FORM, auth=(CLIENT_ID, CLIENT_SECRET)
        ).status_code


def test_kept_hooks_stay_past_the_last_removal_and_pass_everything_through(
    elsewhere: str,
) -> None:
    original = httpx.HTTPTransport.handle_request
    provider = _provider("https://kept.test")
    routing.keep_hooks(True)
    try:
        routing.register(provider.url, provider)()
        assert "httpx" in routing.hooked_stacks()
        assert httpx.HTTPTransport.handle_request is not original
        assert routing.lookup_url(provider.token_url) is None
        assert httpx.get(elsewhere).text == "elsewhere"
    finally:
        routing.keep_hooks(False)
    assert routing.hooked_stacks() == ()
    assert httpx.HTTPTransport.handle_request is original


def test_a_registration_after_kept_hooks_answers_on_the_same_hooks(keeping: None) -> None:
    provider = _provider("https://again.test")
    routing.register(provider.url, provider)()
    kept = httpx.HTTPTransport.handle_request
    undo = routing.register(provider.url, provider)
    try:
        assert httpx.HTTPTransport.handle_request is kept
        assert _token_status(provider) == 200
    finally:
        undo()


def test_letting_go_while_registered_undoes_the_hooks_at_the_last_removal() -> None:
    original = httpx.HTTPTransport.handle_request
    provider = _provider("https://letgo.test")
    routing.keep_hooks(True)
    undo = routing.register(provider.url, provider)
    routing.keep_hooks(False)
    assert routing.lookup_url(provider.token_url) is provider
    assert _token_status(provider) == 200
    undo()
    assert routing.hooked_stacks() == ()
    assert httpx.HTTPTransport.handle_request is original


def _refusing(self: httpx.HTTPTransport, request: httpx.Request) -> httpx.Response:
    return httpx.Response(599, text="the user's mock")


def test_a_mock_patched_over_kept_hooks_gets_the_provider_hooked_above_it(
    keeping: None,
) -> None:
    original = httpx.HTTPTransport.handle_request
    provider = _provider("https://over.test")
    routing.register(provider.url, provider)()
    kept = httpx.HTTPTransport.handle_request
    with pytest.MonkeyPatch.context() as mock:
        # The user's mock starts between two tests' providers, over the kept hook.
        mock.setattr(httpx.HTTPTransport, "handle_request", _refusing)
        undo = routing.register(provider.url, provider)
        assert httpx.HTTPTransport.handle_request not in (kept, _refusing)
        assert _token_status(provider) == 200  # the provider answers its origin...
        assert httpx.get("https://other.test/").status_code == 599  # ...the mock the rest
        undo()
    # The mock put back what it found (the kept hook), which answers again: each entry point
    # holds one of the provider's hooks (the async one, the newer), so none is added.
    assert httpx.HTTPTransport.handle_request is kept
    newer = httpx.AsyncHTTPTransport.handle_async_request
    undo = routing.register(provider.url, provider)
    assert httpx.HTTPTransport.handle_request is kept
    assert httpx.AsyncHTTPTransport.handle_async_request is newer
    assert _token_status(provider) == 200
    undo()
    routing.keep_hooks(False)
    assert httpx.HTTPTransport.handle_request is original


def _fake_stack() -> types.ModuleType:
    stack = types.ModuleType("fake_http_stack")

    class Transport:
        def send(self) -> str:
            return "network"

    stack.Transport = Transport  # type: ignore[attr-defined]
    return stack


def _fake_hook() -> types.ModuleType:
    hook = types.ModuleType("fake_http_stack_hook")

    def patches() -> tuple[routing.Patch, ...]:
        transport = sys.modules["fake_http_stack"].Transport

        def send(self: object) -> str:
            return "hooked"

        return ((transport, "send", send, transport.send),)

    hook.patches = patches  # type: ignore[attr-defined]
    return hook


def test_hooks_kept_for_an_import_since_dropped_are_made_for_the_new_one(
    monkeypatch: pytest.MonkeyPatch, keeping: None
) -> None:
    # pytester's in-process runs drop the modules they imported; a stack imported again is a
    # new module with new classes, which the next registration must hook.
    monkeypatch.setitem(routing.STACKS, "fake", ("fake_http_stack", "fake_http_stack_hook"))
    monkeypatch.setitem(sys.modules, "fake_http_stack_hook", _fake_hook())
    first = _fake_stack()
    monkeypatch.setitem(sys.modules, "fake_http_stack", first)
    provider = MockProvider("https://fake.test")
    routing.register(provider.url, provider)()
    assert first.Transport().send() == "hooked"  # kept
    second = _fake_stack()
    monkeypatch.setitem(sys.modules, "fake_http_stack", second)
    undo = routing.register(provider.url, provider)
    assert second.Transport().send() == "hooked"
    assert first.Transport().send() == "network"  # the old import's hook was undone
    undo()
    routing.keep_hooks(False)
    assert second.Transport().send() == "network"


def test_a_stack_imported_while_hooks_are_kept_is_hooked_and_undone_with_them() -> None:
    code = (
        "from mock_provider import MockProvider; from mock_provider.transport import routing; "
        "p = MockProvider('https://late.test'); routing.keep_hooks(True); "
        "routing.register(p.url, p)(); before = routing.hooked_stacks(); import requests; "
        "print(before, routing.hooked_stacks()); routing.keep_hooks(False); "
        "print(routing.hooked_stacks(), requests.Session.get_adapter.__module__)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split("\n")[:2] == ["() ('requests',)", "() requests.sessions"]


def test_a_hook_put_back_by_a_mock_after_it_was_undone_is_undone_at_the_next_let_go() -> None:
    original = httpx.HTTPTransport.handle_request
    provider = _provider("https://putback.test")
    routing.keep_hooks(True)
    routing.register(provider.url, provider)()
    kept = httpx.HTTPTransport.handle_request
    with pytest.MonkeyPatch.context() as mock:
        mock.setattr(httpx.HTTPTransport, "handle_request", _refusing)
        routing.register(provider.url, provider)()
        routing.keep_hooks(False)  # the test's providers are gone; its mock is not yet
        assert httpx.HTTPTransport.handle_request is _refusing
        assert routing.hooked_stacks() == ()
    assert httpx.HTTPTransport.handle_request is kept  # what the mock found, put back
    routing.keep_hooks(False)
    assert httpx.HTTPTransport.handle_request is original


def test_a_stack_imported_but_not_hooked_is_hooked_at_the_next_registration(
    monkeypatch: pytest.MonkeyPatch, keeping: None
) -> None:
    # As when the stack's import was under way in another thread at the last installation:
    # in sys.modules, never hooked, never seen by the post-import watch.
    provider = MockProvider("https://unhooked.test")
    routing.register(provider.url, provider)()
    monkeypatch.setitem(routing.STACKS, "fake", ("fake_http_stack", "fake_http_stack_hook"))
    monkeypatch.setitem(sys.modules, "fake_http_stack_hook", _fake_hook())
    stack = _fake_stack()
    monkeypatch.setitem(sys.modules, "fake_http_stack", stack)
    undo = routing.register(provider.url, provider)
    assert stack.Transport().send() == "hooked"
    undo()
    routing.keep_hooks(False)
    assert stack.Transport().send() == "network"
