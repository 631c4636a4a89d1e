"""Connection files as test items: ``servicex.oauthcc.yaml::token``, ``::test``, ...

One file runs its nine steps once (they build on each other: no test call without a token),
the first time one of its items runs; each item then reports its own step, so JUnit XML and
``-v`` show every step. A failure shows the reason, the config line it is about and the
redacted HTTP transcript, never a traceback from the plugin. Imported only when pytest meets
a connection file.

Layering: part of the plugin, the top layer: may import pytest, the client, the connection
checker and what :mod:`mock_provider` exports; nothing outside ``plugin/`` imports it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from _pytest.pathlib import bestrelpath

from pytest_oauthcc.connection import STEPS, ConfigError
from pytest_oauthcc.connection.checker import Connection

from .keys import STEP_PROPERTY

if TYPE_CHECKING:
    from _pytest._code.code import TerminalRepr

    from pytest_oauthcc.connection import CheckResult, StepResult

__all__ = [
    "BoundConnection",
    "ConnectionFile",
    "ConnectionStep",
    "InvalidConnection",
    "StepFailed",
    "excerpt",
]


class StepFailed(Exception):
    """A step of a connection file failed; its message is the whole explanation."""


def excerpt(path: str, line: int, context: int = 1) -> list[str]:
    """The config lines around ``line`` (1-based), numbered, the line itself marked ``>``."""
    try:
        text = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return []
    first, last = max(1, line - context), min(len(text), line + context)
    return [f"{'>' if n == line else ' '} {n:>4} | {text[n - 1]}" for n in range(first, last + 1)]


class ConnectionFile(pytest.File):
    """A ``*.oauthcc.*`` file: one item per step."""

    connection: Connection
    _result: CheckResult | None = None

    def collect(self) -> Iterator[pytest.Item]:
        """Load the file and yield its nine steps, or one failing ``config`` item listing
        every problem of an invalid file (so one bad file never stops a folder's run)."""
        try:
            self.connection = Connection.load(self.path)
        except ConfigError as exc:
            yield InvalidConnection.from_parent(self, name="config", error=exc)
            return
        for step in STEPS:
            yield ConnectionStep.from_parent(self, name=step)

    def result(self) -> CheckResult:
        """Every step's result, checked on first use (mock, or live with ``--oauthcc-live``)."""
        if self._result is None:
            config = self.config
            self._result = self.connection.check(
                live=bool(config.getoption("oauthcc_live")),
                env_file=config.getoption("oauthcc_env_file"),
            )
        return self._result


class InvalidConnection(pytest.Item):
    """A connection file that is not a valid config: fails with every problem and its line."""

    def __init__(self, *, error: ConfigError, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.error = error

    def runtest(self) -> None:
        """Fail with the config error.

        Raises:
            ConfigError: always.
        """
        self.user_properties.append(
            (STEP_PROPERTY, {"path": _relative(self), "invalid": str(self.error)})
        )
        raise self.error

    def repr_failure(  # type: ignore[override]
        self, excinfo: pytest.ExceptionInfo[BaseException]
    ) -> str | TerminalRepr:
        """The problems, one per line, with no traceback."""
        if isinstance(excinfo.value, ConfigError):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        """Where the item is reported: the connection file."""
        return self.path, None, f"invalid config: {self.path.name}"


class ConnectionStep(pytest.Item):
    """One step of a connection file."""

    parent: ConnectionFile

    def runtest(self) -> None:
        """Report this step: pass, fail (:class:`StepFailed`), skip, or pass with a warning.

        Raises:
            StepFailed: when the step failed.
        """
        result = self.parent.result()[self.name]
        self.user_properties.append((STEP_PROPERTY, _as_property(self.parent, result)))
        if result.status == "fail":
            raise StepFailed(self._explain(result))
        if result.status == "skip":
            pytest.skip(result.reason)
        if result.status == "warn":
            self.add_report_section("call", "oauthcc warning", result.reason)

    def _explain(self, result: StepResult) -> str:
        lines = [f"{self.parent.connection.name} {self.name}: {result.reason}"]
        if result.line is not None:
            lines += ["", f"{_relative(self.parent)}:{result.line}"]
            lines += excerpt(self.parent.connection.path, result.line)
        for reason, line in result.more:
            lines += ["", f"also: {reason}"]
            if line is not None:
                lines += [f"{_relative(self.parent)}:{line}"]
                lines += excerpt(self.parent.connection.path, line)
        if result.transcript:
            lines += ["", "HTTP transcript (redacted):"]
            lines += [f"  {entry}" for entry in result.transcript]
        return "\n".join(lines)

    def repr_failure(  # type: ignore[override]
        self, excinfo: pytest.ExceptionInfo[BaseException]
    ) -> str | TerminalRepr:
        """A failed step as its explanation; anything else (a checker bug) with a traceback."""
        if isinstance(excinfo.value, (StepFailed, ConfigError)):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        """Where the step is reported: the connection file and step name."""
        return self.path, None, f"{self.parent.connection.name}::{self.name}"


def _relative(node: pytest.Item | pytest.Collector) -> str:
    # Reports name files as pytest does (relative to the rootdir), not by absolute path.
    return bestrelpath(node.config.rootpath, node.path)


def _as_property(parent: ConnectionFile, result: StepResult) -> dict[str, Any]:
    return {"path": _relative(parent), "name": parent.connection.name, **result.to_json()}


class BoundConnection:
    """What ``oauthcc_connection`` gives: a loaded connection and how to check it.

    Attributes:
        connection: the :class:`~pytest_oauthcc.connection.checker.Connection`.
        live: check against the real provider (the marker's ``live=`` or ``--oauthcc-live``).
        env_file: the ``--oauthcc-env-file`` for live field values, if given.
    """

    def __init__(self, connection: Connection, *, live: bool, env_file: str | None) -> None:
        self.connection = connection
        self.live = live
        self.env_file = env_file

    @property
    def name(self) -> str:
        """The connection's name."""
        return self.connection.name

    def check(self) -> CheckResult:
        """Run all nine steps, against a mock built from the config unless live.

        Raises:
            ConfigError: if the env file cannot be read.
        """
        return self.connection.check(live=self.live, env_file=self.env_file)

    def __repr__(self) -> str:
        return f"BoundConnection({self.connection!r}, live={self.live!r})"


def bind_marker(request: pytest.FixtureRequest) -> BoundConnection:
    """Load the connection named by the test's ``@pytest.mark.oauthcc(...)``.

    A relative ``config`` path is taken from the test module's directory.

    Raises:
        pytest.fail.Exception: without the marker.
        TypeError: for a wrong marker argument.
        ConfigError: if the file is not a valid connection config.
    """
    __tracebackhide__ = True
    marker = request.node.get_closest_marker("oauthcc")
    if marker is None:
        pytest.fail(
            "oauthcc_connection needs a connection file: mark the test with "
            "@pytest.mark.oauthcc('path/to/app.oauthcc.yaml')",
            pytrace=False,
        )
    config, fields, live = oauthcc(*marker.args, **marker.kwargs)
    path = Path(config)
    if not path.is_absolute():
        path = request.path.parent / path
    option = request.config.getoption
    return BoundConnection(
        Connection.load(path, fields),
        live=live or bool(option("oauthcc_live")),
        env_file=option("oauthcc_env_file"),
    )


def oauthcc(
    config: str | Path, fields: dict[str, str] | None = None, live: bool = False
) -> tuple[str | Path, dict[str, str] | None, bool]:
    """The ``oauthcc`` marker's signature: a wrong argument fails as Python's ``TypeError``
    naming ``oauthcc()``."""
    return config, fields, live
