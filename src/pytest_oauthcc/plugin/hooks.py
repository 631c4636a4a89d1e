"""The plugin's hooks: options, markers, connection files, connection reports, the running
item (read by the provider fixtures), provider checks.

Layering: imported at every pytest start-up (through :mod:`pytest_oauthcc.plugin`), so it
imports only pytest, :mod:`.options` and :mod:`.keys` at module level; everything else
(collect, report, providers) is imported inside the hook that needs it.
"""

from __future__ import annotations

import fnmatch
import sys
from collections.abc import Generator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from .keys import DEFAULT_FILES, RUNNING, STEP_PROPERTY, USED, providers_module, uses_routing
from .options import marker_signature

if TYPE_CHECKING:
    from pluggy import Result

    from .collect import ConnectionFile
    from .report import ConnectionResults

__all__ = [
    "ConnectionReports",
    "pytest_addoption",
    "pytest_collect_file",
    "pytest_configure",
    "pytest_runtest_call",
    "pytest_runtest_protocol",
    "pytest_sessionfinish",
]


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


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(
    item: pytest.Item, nextitem: pytest.Item | None
) -> Generator[None, Any, Any]:
    """Make ``item`` the running item (:data:`~.keys.RUNNING`) for its whole run protocol;
    the provider fixtures read their test's markers and stash from it.

    At its end, unless the next item routes a provider too, no hook of the plugin's is left
    on any stack: neither hooks kept for this item (it asks for a provider but routed none:
    skipped, or its set-up failed first), nor one that a mock of the test patched over and
    put back at its teardown, after the provider's."""
    outer, outer_next = RUNNING.item, RUNNING.nextitem
    RUNNING.item, RUNNING.nextitem = item, nextitem
    try:
        return (yield)
    finally:
        RUNNING.item, RUNNING.nextitem = outer, outer_next
        if (RUNNING.kept_hooks or USED in item.stash) and not uses_routing(nextitem):
            drop_kept_hooks()


def drop_kept_hooks() -> None:
    """Undo the in-process hooks kept for a next test, and any a mock put back (once
    nothing is routed)."""
    RUNNING.kept_hooks = False
    # Looked up, not imported: a provider fixture imported it (an import statement of a
    # package runs the import machinery's fromlist handling, in Python, in every test).
    provider_package = sys.modules.get("mock_provider")
    if provider_package is not None:
        provider_package.keep_in_process_hooks(False)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Undo hooks kept for a test that did not run (``-x``, an interrupted session)."""
    drop_kept_hooks()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, Result[None], None]:
    """Fail the test whose provider saw a problem: an unfired fault, an unmatched request, a
    provider failure. If the test failed anyway, the problems are shown next to its failure."""
    outcome = yield
    if USED not in item.stash:  # (Stash.get would raise and catch a KeyError in every test)
        return
    found = providers_module().problems(item)
    if not found:
        return
    message = "\n\n".join(found)
    excinfo = outcome.excinfo
    if excinfo is None:
        outcome.force_exception(pytest.fail.Exception(message, pytrace=False))
    elif isinstance(excinfo[1], Exception):
        item.add_report_section("call", "oauthcc provider", message)
