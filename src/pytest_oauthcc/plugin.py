"""The pytest plugin (entry point ``oauthcc``): options, markers, fixtures and hooks.

pytest imports every installed plugin at start-up, in every run of every project in the
environment, whether or not a test uses it. So this module only registers things: the mock
provider, httpx, werkzeug and the reference client are imported inside the fixtures that need
them, and a run that uses none of them pays nothing for them.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Generator, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from ._options import MARKER, marker_signature, merge_markers

if TYPE_CHECKING:
    import httpx
    from pluggy import Result

    from ._options import ProviderOptions
    from ._provider import CheckedProvider
    from ._servers import ServerPool
    from .collect import BoundConnection, ConnectionFile
    from .report import ConnectionResults

__all__: list[str] = []

DEFAULT_FILES = ("*.oauthcc.yaml", "*.oauthcc.yml", "*.oauthcc.json", "*.oauthcc.toml")
# The user property carrying a connection step's result from its item (maybe on an xdist
# worker) to the controller, where the terminal matrix and the JSON report are built.
STEP_PROPERTY = "oauthcc_step"


def pytest_addoption(parser: pytest.Parser) -> None:
    """Register the ``oauthcc`` command-line options and ini settings."""
    group = parser.getgroup("oauthcc", "OAuth 2.0 client-credentials connections")
    group.addoption(
        "--oauthcc-live",
        action="store_true",
        default=False,
        help="check connection files against the real providers instead of a mock",
    )
    group.addoption(
        "--oauthcc-env-file",
        metavar="PATH",
        default=None,
        help="a dotenv file supplying the ${VAR} placeholders of connection files",
    )
    group.addoption(
        "--oauthcc-report",
        metavar="PATH",
        default=None,
        help="write a JSON report of every connection and step to PATH",
    )
    parser.addini(
        "oauthcc_files",
        type="args",
        default=list(DEFAULT_FILES),
        help="glob patterns of connection files collected as tests",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Register the markers (their help text is their signature) and the connection reports."""
    config.pluginmanager.register(ConnectionReports(config), "oauthcc-connection-reports")
    config.addinivalue_line(
        "markers",
        f"{marker_signature()}: configure the oauth_provider, oauth_server, oauth_client and "
        "make_oauth_provider fixtures of a test, class or module (closest wins).",
    )
    config.addinivalue_line(
        "markers",
        "oauthcc(config, fields=None, live=False): bind a test to the connection file `config` "
        "(fixture oauthcc_connection).",
    )


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> ConnectionFile | None:
    """Collect files matching the ``oauthcc_files`` patterns as connection files."""
    patterns = parent.config.getini("oauthcc_files")
    if not any(fnmatch.fnmatch(file_path.name, pattern) for pattern in patterns):
        return None
    from .collect import ConnectionFile

    return ConnectionFile.from_parent(parent, path=file_path)


class ConnectionReports:
    """Connection step results of this run: the terminal matrix and the JSON report.

    Step results reach the controller inside test reports (see :data:`STEP_PROPERTY`), so
    under xdist both are complete on the controller and never written by a worker.
    """

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.results: ConnectionResults | None = None

    def _results(self) -> ConnectionResults:
        if self.results is None:
            from .report import ConnectionResults

            self.results = ConnectionResults()
        return self.results

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        """Keep the step result a connection step's report carries."""
        if report.when == "call" and any(p[0] == STEP_PROPERTY for p in report.user_properties):
            self._results().add_test_report(report)

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        """Print the connection x step matrix when connection files ran."""
        if not self.results:
            return
        from .report import render_matrix

        terminalreporter.write_sep("-", "oauthcc connections")
        for line in render_matrix(self.results):
            terminalreporter.write_line(line)

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        """Write the JSON report (``--oauthcc-report PATH``), on the controller only."""
        target = self.config.getoption("oauthcc_report")
        if target is None or hasattr(self.config, "workerinput"):
            return
        self._results().write(target)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, Result[None], None]:
    """Fail the test whose provider saw a problem: an unfired fault, an unmatched request, a
    provider failure. If the test failed anyway, the problems are shown next to its failure."""
    outcome = yield
    if not item.stash.get(_USED, False):
        return
    from ._fixtures import problems

    found = problems(item)
    if not found:
        return
    message = "\n\n".join(found)
    excinfo = outcome.excinfo
    if excinfo is None:
        outcome.force_exception(pytest.fail.Exception(message, pytrace=False))
    elif isinstance(excinfo[1], Exception):
        item.add_report_section("call", "oauthcc provider", message)


# Set by the fixtures, so a test that uses none of them costs the hook nothing.
_USED = pytest.StashKey[bool]()


def _options(request: pytest.FixtureRequest) -> ProviderOptions:
    __tracebackhide__ = True
    options = merge_markers(request.node.iter_markers(MARKER))
    request.node.stash[_USED] = True
    return options


@pytest.fixture
def oauth_provider(request: pytest.FixtureRequest) -> Iterator[CheckedProvider]:
    """A fresh mock provider per test, answering every httpx request to its issuer host
    in-process (sync and async, including clients the code under test creates). Configured
    by ``@pytest.mark.oauth_provider(...)``; demo client ``demo-client`` / ``demo-secret``."""
    __tracebackhide__ = True
    from ._fixtures import routed

    options = _options(request)
    with ExitStack() as stack:
        yield routed(request.node, options, issuer=options.issuer, stack=stack)


@pytest.fixture
def make_oauth_provider(request: pytest.FixtureRequest) -> Iterator[Callable[..., CheckedProvider]]:
    """A factory of independent in-process providers, each on its own issuer host; takes the
    marker's options as keyword arguments (over the test's marker)."""
    __tracebackhide__ = True
    from ._fixtures import ProviderFactory

    options = _options(request)
    with ExitStack() as stack:
        yield ProviderFactory(request.node, options, stack)


@pytest.fixture(scope="session")
def oauth_server_pool() -> Iterator[ServerPool]:
    """The loopback servers behind ``oauth_server``: started on first use, once per session
    (per xdist worker), stopped at the end; ``.url(tls=False)`` for session-scoped set-up."""
    from ._servers import ServerPool

    with ServerPool() as pool:
        yield pool


@pytest.fixture
def oauth_server(
    request: pytest.FixtureRequest, oauth_server_pool: ServerPool
) -> Iterator[CheckedProvider]:
    """A fresh provider per test on the session's real loopback socket (``.url``; with
    ``tls=True``, ``.ca_path``), for clients that are not httpx."""
    __tracebackhide__ = True
    from ._fixtures import served

    options = _options(request)
    with served(request.node, oauth_server_pool, options) as provider:
        yield provider


@pytest.fixture
def oauth_client(oauth_provider: CheckedProvider) -> Iterator[httpx.Client]:
    """An ``httpx.Client`` on ``oauth_provider`` (``base_url`` = its issuer) whose ``auth`` is
    the reference ``ClientCredentials`` for the demo client, on the provider's clock."""
    import httpx

    from ._fixtures import reference_auth

    with httpx.Client(
        base_url=oauth_provider.url,
        auth=reference_auth(oauth_provider),
        transport=oauth_provider.transport(),
    ) as client:
        yield client


@pytest.fixture
def oauth_async_client(oauth_provider: CheckedProvider) -> httpx.AsyncClient:
    """The async counterpart of ``oauth_client``: an ``httpx.AsyncClient`` answered in-process
    (it holds no connection, so a test need not close it)."""
    import httpx

    from ._fixtures import reference_auth

    return httpx.AsyncClient(
        base_url=oauth_provider.url,
        auth=reference_auth(oauth_provider),
        transport=oauth_provider.async_transport(),
    )


@pytest.fixture
def oauthcc_connection(request: pytest.FixtureRequest) -> BoundConnection:
    """The connection file named by ``@pytest.mark.oauthcc(config, fields=None, live=False)``,
    loaded; ``.check()`` runs its nine steps against a mock built from it (or live)."""
    __tracebackhide__ = True
    from .collect import bind_marker

    return bind_marker(request)
