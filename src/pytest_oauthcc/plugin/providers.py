"""What the fixtures in :mod:`pytest_oauthcc.plugin` do, imported only by a test that uses one.

Each provider a test uses is recorded on the test item, so the plugin can check it after the
test body (see ``pytest_runtest_call`` in the plugin) and fail that test, not a later one.

Layering: part of the plugin, the top layer: may import pytest, the client, the connection
checker and what :mod:`mock_provider` exports; nothing outside ``plugin/`` imports it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest

from mock_provider import (
    DEFAULT_ISSUER,
    ManualClock,
    ProcessClock,
    ProcessClockError,
    keep_in_process_hooks,
    register_in_process,
)

from .checked import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, CheckedProvider, build_provider
from .keys import RUNNING, uses_routing
from .options import MARKER, ProviderOptions
from .servers import ServerPool

if TYPE_CHECKING:
    from pytest_oauthcc.client import ClientCredentials

__all__ = [
    "PROVIDERS",
    "ProviderFactory",
    "ProvidersOfTest",
    "problems",
    "reference_auth",
    "routed",
    "served",
]


class ProvidersOfTest:
    """What the providers of one test share, kept in its item's stash (one entry, made
    without a failed lookup: ``Stash.setdefault`` raises and catches a ``KeyError``).

    Attributes:
        providers: the providers the test used, with the options their checks follow.
        hosts: the hosts answered in-process: two providers on one host would shadow
            each other.
        process_clock: the provider whose clock the process wall clock follows
            (``clock="process"``), or ``None``.
    """

    __slots__ = ("hosts", "process_clock", "providers")

    def __init__(self) -> None:
        self.providers: list[tuple[CheckedProvider, ProviderOptions]] = []
        self.hosts: set[str] = set()
        self.process_clock: str | None = None


PROVIDERS = pytest.StashKey[ProvidersOfTest]()


def _of(item: pytest.Item) -> ProvidersOfTest:
    stash = item.stash
    if PROVIDERS in stash:
        return stash[PROVIDERS]
    made = stash[PROVIDERS] = ProvidersOfTest()
    return made


def _start_clock(test: ProvidersOfTest, provider: CheckedProvider) -> Callable[[], None] | None:
    """Start a ``clock="process"`` provider's clock; return what stops it at teardown
    (``None`` for another clock).

    Fails the test (not an error in the plugin) when time-machine is missing, or when
    another provider of the test already drives the wall clock.
    """
    __tracebackhide__ = True
    clock = provider.clock
    if not isinstance(clock, ProcessClock):
        return None
    other = test.process_clock
    if other is not None:
        pytest.fail(
            f'two providers of this test use clock="process" ({other} and {provider.url}); '
            "the process has one wall clock: give the others clock='manual'",
            pytrace=False,
        )
    try:
        clock.start()
    except ProcessClockError as exc:
        missing = str(exc)
    else:
        missing = ""
    if missing:  # failed outside the except block, so no exception chain is printed
        pytest.fail(missing, pytrace=False)
    test.process_clock = provider.url

    def stop() -> None:
        try:
            clock.stop()
        finally:
            test.process_clock = None

    return stop


def _untrack(test: ProvidersOfTest, provider: CheckedProvider) -> None:
    # Items live as long as the session: a provider kept on its item after the test (with its
    # tokens and recording) would keep growing the heap every garbage collection walks.
    tracked = test.providers
    if len(tracked) == 1 and tracked[0][0] is provider:  # one provider per test, mostly
        tracked.clear()
    else:
        tracked[:] = [entry for entry in tracked if entry[0] is not provider]


def issuer_under(base: str, issuer: str | None) -> str | None:
    """``issuer`` as given, or, for a path such as ``"/tenant"``, that path under ``base``
    (the provider's address): ``https://mock-oauth.test/tenant``. ``None`` stays ``None``."""
    if issuer is None or not issuer.startswith("/"):
        return issuer
    return base.rstrip("/") + issuer.rstrip("/")


def routed(
    item: pytest.Item, options: ProviderOptions, *, issuer: str | None
) -> tuple[CheckedProvider, Callable[[], None]]:
    """A provider answering every request to its issuer's origin in-process until the
    release returned with it is called, on every HTTP stack the process uses (httpx,
    httpx2, requests, aiohttp: the routing table of :func:`mock_provider.register_in_process`);
    requests to other hosts go where they would without it. (A release, not an
    ``ExitStack``: a suite sets up and tears down one provider per test.) When the next
    test routes a provider too, the release leaves the stacks' hooks installed for it,
    passing everything through in between (see :func:`~.keys.uses_routing`).

    Raises:
        ValueError: if another provider of this test already answers that host.
    """
    __tracebackhide__ = True
    if issuer is not None:
        issuer = issuer_under(DEFAULT_ISSUER, issuer)
    provider = build_provider(options, issuer=issuer)
    url = provider.core.settings.url  # (provider.url, without the facade's property)
    host = _host(url)
    test = _of(item)
    hosts = test.hosts
    if host in hosts:
        raise ValueError(
            f"two providers of this test would answer {host}; give each its own issuer, "
            f"e.g. make_{MARKER}(issuer='https://other-issuer.test')"
        )
    unroute = register_in_process(url, provider)
    hosts.add(host)

    def release() -> None:
        _untrack(test, provider)
        # Release any request still waiting on a scripted delay before the router stops.
        provider.clear_faults()
        # The stacks' hooks stay installed for a next test that routes too; for any other,
        # the last removal undoes them (a test that routes nothing sees its stacks as they
        # are without the plugin).
        keep = uses_routing(RUNNING.nextitem)
        if keep is not RUNNING.kept_hooks:
            RUNNING.kept_hooks = keep
            keep_in_process_hooks(keep)
        unroute()
        hosts.discard(host)

    # A manual clock (most tests) has nothing to start.
    if type(provider.core.clock) is ManualClock:
        stop_clock = None
    else:
        try:
            stop_clock = _start_clock(test, provider)
        except BaseException:
            release()
            raise
    test.providers.append((provider, options))
    if stop_clock is None:
        return provider, release

    def stop_and_release() -> None:
        try:
            stop_clock()
        finally:
            release()

    return provider, stop_and_release


@functools.lru_cache(maxsize=256)
def _host(url: str) -> str:
    # Cached: most tests use the same few issuers.
    return urlsplit(url).netloc


class ProviderFactory:
    """``make_oauth_provider(**options)``: one more independent provider per call.

    Each call takes the marker's options (keyword-only, same names) over the test's marker
    options, except the issuer: every provider gets its own issuer host,
    ``https://mock-oauth-2.test``, ``https://mock-oauth-3.test``, ... unless ``issuer=`` names one.
    """

    def __init__(self, item: pytest.Item, options: ProviderOptions, stack: ExitStack) -> None:
        self._item = item
        self._options = options
        self._stack = stack
        self._made = 1

    def __call__(self, **options: Any) -> CheckedProvider:
        """Make, route and return a provider configured by ``options``.

        Raises:
            TypeError: for an unknown option (the message lists the valid ones).
            ValueError: for an invalid value, or an issuer host already in use in this test.
        """
        __tracebackhide__ = True
        merged = self._options.replace(**({"issuer": None} | options))
        issuer = merged.issuer
        if issuer is None or issuer.startswith("/"):
            self._made += 1
            issuer = issuer_under(f"https://mock-oauth-{self._made}.test", issuer or "/")
        provider, release = routed(self._item, merged, issuer=issuer)
        self._stack.callback(release)
        return provider


@contextmanager
def served(
    item: pytest.Item, pool: ServerPool, options: ProviderOptions
) -> Iterator[CheckedProvider]:
    """A fresh provider answering on the session's loopback server for one test.

    A path issuer (``issuer="/tenant"``) puts the issuer under the server's URL.

    Raises:
        ValueError: if the options name an issuer URL (the server's URL is the issuer).
    """
    __tracebackhide__ = True
    if options.issuer is not None and not options.issuer.startswith("/"):
        raise ValueError(
            f"oauth_server's issuer is its own URL; remove issuer={options.issuer!r} from "
            f"@pytest.mark.{MARKER}() or use the in-process oauth_provider fixture"
        )
    issuer = issuer_under(pool.url(tls=options.tls), options.issuer or "/")
    provider = build_provider(options, issuer=issuer)
    provider.ca_path = pool.ca_path(tls=options.tls)
    test = _of(item)
    with ExitStack() as stack:
        stop_clock = _start_clock(test, provider)
        if stop_clock is not None:
            stack.callback(stop_clock)
        test.providers.append((provider, options))
        pool.install(provider, tls=options.tls)
        try:
            yield provider
        finally:
            pool.uninstall(tls=options.tls)
            # A request thread still waiting on a scripted delay must not outlive its test.
            provider.clear_faults()
            _untrack(test, provider)


def reference_auth(provider: CheckedProvider) -> ClientCredentials:
    """The reference client for the provider's demo client, on the provider's clock.

    Waits between retries advance the provider's clock instead of sleeping, so a test that
    scripts ``Retry-After: 30`` sees the provider 30 seconds later and takes no time.
    """
    from pytest_oauthcc.client import ClientCredentials

    clock = provider.clock
    if not isinstance(clock, ManualClock):  # pragma: no cover - build_provider makes one
        raise TypeError(f"the fixtures' providers run on a ManualClock, got {clock!r}")

    def sleep(seconds: float) -> None:
        clock.advance(seconds)

    async def async_sleep(seconds: float) -> None:
        clock.advance(seconds)

    return ClientCredentials(
        provider.token_url,
        DEMO_CLIENT_ID,
        DEMO_CLIENT_SECRET,
        revocation_url=provider.revocation_url,
        clock=clock,
        sleep=sleep,
        async_sleep=async_sleep,
    )


def problems(item: pytest.Item) -> list[str]:
    """Every problem the providers of ``item`` saw, per the checks its options switch on."""
    found: list[str] = []
    if PROVIDERS not in item.stash:
        return found
    for provider, options in item.stash[PROVIDERS].providers:
        found.extend(provider.check_options(options))
    return found
