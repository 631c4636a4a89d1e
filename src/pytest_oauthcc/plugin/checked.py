"""The provider the fixtures hand out: a MockProvider built from marker options, with checks.

:class:`CheckedProvider` adds what a test needs on top of :class:`mock_provider.MockProvider`:
:meth:`~CheckedProvider.check` for the server-side problems the plugin reports after each test
(a fault that never fired, a request that matched no endpoint, a failure inside the provider),
and ``ca_path`` when it is served over TLS.

Layering: part of the plugin, the top layer: may import pytest, the client, the connection
checker and what :mod:`mock_provider` exports; nothing outside ``plugin/`` imports it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mock_provider import ManualClock, MockProvider, ProcessClock, RecordedRequest
from pytest_oauthcc.errors import OAuthccError

from .options import MARKER, ProviderOptions

__all__ = ["DEMO_CLIENT_ID", "DEMO_CLIENT_SECRET", "CheckedProvider", "ProviderCheckError"]

DEMO_CLIENT_ID = "demo-client"
DEMO_CLIENT_SECRET = "demo-secret"  # a documented test credential, not a secret


class ProviderCheckError(OAuthccError, AssertionError):
    """Raised by :meth:`CheckedProvider.check` when the provider saw problems."""


class CheckedProvider(MockProvider):
    """A :class:`~mock_provider.MockProvider` that reports server-side problems.

    Attributes:
        ca_path: the CA bundle to trust when served over TLS by ``oauth_server``, else ``None``.
    """

    ca_path: str | None = None

    def problems(
        self,
        *,
        faults: bool = True,
        unmatched: bool = True,
        errors: bool = True,
    ) -> list[str]:
        """Describe each kind of problem seen so far, one readable block per kind.

        Args:
            faults: report queued faults that never fired.
            unmatched: report requests that matched no endpoint.
            errors: report requests the provider failed on (500 ``server_error``).
        """
        queue = self.faults
        log = self.core.request_log
        # What the check after every test mostly finds: no fault queued, and no request that
        # matched no endpoint or was answered 500 (read without the lock, no record built).
        if not queue and None not in log.endpoints_seen and 500 not in log.statuses_seen:
            return []
        found = []
        if faults and queue:
            unfired = queue.unfired()
            if unfired:
                found.append(
                    f"{self._where()}: {_count(unfired, 'queued fault')} never fired:\n"
                    + "".join(f"  {fault}\n" for fault in unfired)
                    + "Make the request the fault waits for, remove the fault, or pass "
                    f"@pytest.mark.{MARKER}(assert_all_faults_fired=False)."
                )
        if unmatched and None in log.endpoints_seen:
            # find_requests builds the records of matching requests only.
            lost = self.find_requests(endpoint=None)
            if lost:
                served = "\n".join(f"  {path} [{name}]" for path, name in self.routes().items())
                found.append(
                    f"{self._where()}: {_count(lost, 'request')} matched no endpoint:\n"
                    + "".join(f"  {r}\n" for r in lost)
                    + f"Served:\n{served}\nFix the URL, or pass "
                    f"@pytest.mark.{MARKER}(assert_all_requests_matched=False)."
                )
        if errors and 500 in log.statuses_seen:
            failed = [
                r
                for r in self.find_requests(status=500, error="server_error")
                if _provider_failure(r)
            ]
            if failed:
                found.append(
                    f"{self._where()}: {_count(failed, 'request')} failed inside the provider "
                    "(500 server_error):\n"
                    + "".join(f"  {r}\n" for r in failed)
                    + "The traceback is in the 'mock_provider' log (shown under 'Captured "
                    "log'). This is a mock provider bug; to let the test pass anyway, pass "
                    f"@pytest.mark.{MARKER}(assert_no_provider_errors=False)."
                )
        return found

    def _where(self) -> str:
        # Only built for a problem: the check after every test mostly finds none.
        return f"{MARKER} at {self.url}"

    def check(self, *, faults: bool = True, unmatched: bool = True, errors: bool = True) -> None:
        """Fail now if the provider saw problems; the plugin also does this after each test.

        Args:
            faults: check for queued faults that never fired.
            unmatched: check for requests that matched no endpoint.
            errors: check for requests the provider failed on.

        Raises:
            ProviderCheckError: listing every problem found.
        """
        __tracebackhide__ = True
        found = self.problems(faults=faults, unmatched=unmatched, errors=errors)
        if found:
            raise ProviderCheckError("\n".join(found))

    def check_options(self, options: ProviderOptions) -> list[str]:
        """:meth:`problems` with the checks the marker options leave switched on."""
        return self.problems(
            faults=options.assert_all_faults_fired,
            unmatched=options.assert_all_requests_matched,
            errors=options.assert_no_provider_errors,
        )


def _provider_failure(request: RecordedRequest) -> bool:
    # app.handle records an exception inside the provider as 500 server_error; a fault that
    # scripts the same answer is recorded with its id and is the test's intent, not a bug.
    return request.status == 500 and request.error == "server_error" and request.fault is None


def _count(items: list[Any], noun: str) -> str:
    return f"{len(items)} {noun}{'' if len(items) == 1 else 's'}"


def build_provider(options: ProviderOptions, *, issuer: str | None) -> CheckedProvider:
    """A provider configured as ``options`` say, with the demo client registered.

    A process clock is not started here: the fixture that owns the provider starts it at
    set-up and stops it at teardown.

    Raises:
        ValueError, TypeError: from the provider for an invalid client, fault or quirk.
    """
    clock = ProcessClock if options.clock == "process" else ManualClock
    provider = CheckedProvider(
        issuer,
        clock=clock(options.clock_start),
        expires_in=options.expires_in,
        token_format=options.token_format,
        access_token_alg=options.access_token_alg,
        max_requests=options.max_requests,
    )
    provider.add_client(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, scopes=options.scopes)
    # Most tests set none of these: the Mapping checks (ABC instance checks) are skipped.
    clients = options.clients
    if clients:
        if isinstance(clients, Mapping):
            for client_id, secret in clients.items():
                provider.add_client(client_id, secret, scopes=options.scopes)
        else:
            for client in clients:
                provider.add_client(**client)
    quirks = options.quirks
    if quirks:
        for quirk_set in [quirks] if isinstance(quirks, Mapping) else quirks:
            provider.set_quirks(**quirk_set)
    for fault in options.faults:
        provider.add_fault(**fault)
    return provider
