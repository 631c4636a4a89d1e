"""Fixtures for the HTTP-stack tests: a provider answering in-process, and a loopback server
standing for "another host" that must be reached untouched.

Every stack test runs twice: on a provider registered in the routing table by hand
(``mock_provider.register_in_process``), and on the plugin's ``oauth_provider`` fixture, which
is what users get."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator

import pytest

from mock_provider import Fault, ManualClock, MockProvider, register_in_process
from mock_provider.transport import routing

NOW = 1_700_000_000
CLIENT_ID = "stack-client"
CLIENT_SECRET = "stack-secret-s3cr3t-value-0123"
TOKEN_FORM = {"grant_type": "client_credentials"}


@pytest.fixture(params=["register_in_process", "oauth_provider"])
def provider(request: pytest.FixtureRequest) -> Iterator[MockProvider]:
    """A provider answering its issuer's origin on every installed stack."""
    if request.param == "oauth_provider":
        request.node.add_marker(
            pytest.mark.oauth_provider(clock_start=NOW, clients={CLIENT_ID: CLIENT_SECRET})
        )
        fixture: MockProvider = request.getfixturevalue("oauth_provider")
        assert routing.lookup_url(fixture.token_url) is fixture
        yield fixture
        return
    provider = MockProvider(clock=ManualClock(NOW))
    provider.add_client(CLIENT_ID, CLIENT_SECRET)
    undo = register_in_process(provider.url, provider)
    yield provider
    provider.clear_faults()
    undo()
    assert routing.hooked_stacks() == ()


@pytest.fixture(autouse=True)
def _nothing_is_routed_after_a_test() -> Iterator[None]:
    yield
    # Runs after the provider fixtures' teardown (it was set up before them).
    assert routing.hooked_stacks() == ()


class _Elsewhere(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b"elsewhere"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def elsewhere() -> Iterator[str]:
    """The URL of a real loopback server that no provider answers."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Elsewhere)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()


def clear_once_fired(provider: MockProvider, fault: Fault, worker: threading.Thread) -> None:
    """Clear the provider's faults once ``fault`` fired, and check that this one clear
    releases ``worker``, whose request the fault delays by far longer than this waits.

    The clear may come before the transport starts waiting: the wait then must not start
    at all (the answer holds the event of the fault's firing, which the clear set)."""
    for _ in range(500):  # bounded: until the request reached the provider
        if fault.fired:
            break
        worker.join(timeout=0.01)
    assert fault.fired, f"{fault} never fired"
    provider.clear_faults()
    worker.join(timeout=5)
    assert not worker.is_alive(), f"{fault} still holds its request after the clear"
