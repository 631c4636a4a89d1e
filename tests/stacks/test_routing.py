"""The routing table: one registration per origin, every stack hooked while it is used and
restored exactly afterwards (what keeps tests, and xdist workers, from leaking into others)."""

from __future__ import annotations

import subprocess
import sys

import aiohttp
import httpx
import httpx2
import pytest
import requests

from mock_provider import MockProvider
from mock_provider.transport import routing


def _entry_points() -> dict[str, object]:
    return {
        "httpx sync": httpx.HTTPTransport.handle_request,
        "httpx async": httpx.AsyncHTTPTransport.handle_async_request,
        "httpx2 sync": httpx2.HTTPTransport.handle_request,
        "httpx2 async": httpx2.AsyncHTTPTransport.handle_async_request,
        "requests": requests.Session.get_adapter,
        "aiohttp": aiohttp.TCPConnector._create_connection,
    }


def test_hooks_are_installed_on_first_registration_and_restored_on_the_last() -> None:
    before = _entry_points()
    first, second = MockProvider("https://one.test"), MockProvider("https://two.test")
    undo_first = routing.register(first.url, first)
    undo_second = routing.register(second.url, second)
    assert routing.hooked_stacks() == ("httpx", "httpx2", "requests", "aiohttp")
    assert all(_entry_points()[name] is not before[name] for name in before)
    undo_first()
    assert routing.hooked_stacks() != ()
    undo_second()
    assert routing.hooked_stacks() == ()
    assert _entry_points() == before
    assert all(_entry_points()[name] is before[name] for name in before)


def test_undo_is_idempotent_and_removes_only_its_own_origin() -> None:
    provider = MockProvider("https://idem.test")
    undo = routing.register(provider.url, provider)
    undo()
    undo()
    assert routing.lookup_url(provider.token_url) is None
    again = routing.register(provider.url, provider)
    assert routing.lookup_url(provider.token_url) is provider
    undo()  # a stale undo of the first registration does not remove the second
    assert routing.lookup_url(provider.token_url) is provider
    again()
    assert routing.hooked_stacks() == ()


def test_one_origin_has_one_target() -> None:
    provider = MockProvider("https://dup.test")
    undo = routing.register(provider.url, provider)
    try:
        with pytest.raises(ValueError, match=r"^a provider already answers https://dup\.test:443$"):
            routing.register("https://DUP.test:443/other", MockProvider())
    finally:
        undo()


@pytest.mark.parametrize(
    ("url", "registered"),
    [
        pytest.param("https://mock.test/oauth/token", True, id="same-origin"),
        pytest.param("https://MOCK.test:443/x", True, id="case-and-default-port"),
        pytest.param("http://mock.test/x", False, id="other-scheme"),
        pytest.param("https://mock.test:8443/x", False, id="other-port"),
        pytest.param("https://api.mock.test/x", False, id="other-host"),
    ],
)
def test_an_origin_is_scheme_host_and_port(url: str, registered: bool) -> None:
    provider = MockProvider("https://mock.test")
    undo = routing.register(provider.url, provider)
    try:
        assert (routing.lookup_url(url) is provider) is registered
    finally:
        undo()


def test_a_relative_url_is_refused() -> None:
    with pytest.raises(ValueError, match=r"^cannot route '/oauth': an absolute http\(s\) URL"):
        routing.register("/oauth", MockProvider())


def test_importing_the_routing_table_imports_no_stack() -> None:
    code = (
        "import sys; import mock_provider.transport.routing; "
        "print(sorted(m for m in ('requests', 'aiohttp', 'httpx2') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_stack_that_is_not_installed_is_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(routing.STACKS, "absent", ("no_such_http_stack", "no.such.hook"))
    provider = MockProvider("https://absent.test")
    undo = routing.register(provider.url, provider)
    try:
        assert "absent" not in routing.hooked_stacks()
    finally:
        undo()


def _in_a_fresh_process(code: str) -> str:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return out.stdout.strip()


def test_registering_imports_no_stack_the_process_did_not_import() -> None:
    code = (
        "import sys; from mock_provider import MockProvider; "
        "from mock_provider.transport import routing; "
        "undo = routing.register('https://lazy.test', MockProvider('https://lazy.test')); "
        "print(sorted(m for m in ('httpx', 'requests', 'aiohttp', 'httpx2') if m in sys.modules), "
        "routing.hooked_stacks())"
    )
    # Not even httpx: mock_provider loads its httpx transports on first use only.
    assert _in_a_fresh_process(code) == "[] ()"


def test_a_stack_first_imported_during_a_test_is_hooked_before_its_first_request() -> None:
    code = (
        "from mock_provider import MockProvider; from mock_provider.transport import routing; "
        "p = MockProvider('https://late.test'); p.add_client('c', 's'); "
        "undo = routing.register(p.url, p); before = routing.hooked_stacks(); "
        "import requests; "
        "r = requests.post(p.token_url, data={'grant_type': 'client_credentials'}, "
        "auth=('c', 's'), timeout=5); "
        "print(before, routing.hooked_stacks(), r.status_code, requests.__spec__.loader"
        ".__class__.__name__); undo(); print(routing.hooked_stacks(), "
        "requests.Session.get_adapter.__qualname__)"
    )
    assert _in_a_fresh_process(code).splitlines() == [
        "() ('requests',) 200 SourceFileLoader",
        "() Session.get_adapter",
    ]


def test_no_import_is_watched_once_nothing_is_registered(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(routing.STACKS, "absent", ("no_such_http_stack", "no.such.hook"))
    provider = MockProvider("https://unwatched.test")
    undo = routing.register(provider.url, provider)
    watching = [f for f in sys.meta_path if type(f).__module__.endswith("post_import")]
    undo()
    assert len(watching) == 1
    assert [f for f in sys.meta_path if type(f).__module__.endswith("post_import")] == []
