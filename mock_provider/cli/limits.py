"""The ``serve`` options that bound what clients can take: memory, threads, time, names.

A provider left serving for hours, pointed at by real applications, must survive any of
them: the request log is a ring (``--max-requests``), connections are capped
(``--max-connections``), a request must arrive in bounded time (``--request-timeout``), and
the control API answers only for loopback names and those allowed (``--allowed-host``).

Layering: imports ``state.log`` and ``transport.connection`` (for the defaults) only.
"""

from __future__ import annotations

import argparse
from typing import Any

from mock_provider.state.log import DEFAULT_MAX_REQUESTS
from mock_provider.transport.connection import Limits

__all__ = ["add_limit_arguments", "server_limits"]


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {text}")
    return value


def _positive_seconds(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected seconds > 0, got {text}")
    return value


def add_limit_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``--max-requests``, ``--max-connections``, ``--request-timeout`` and
    ``--allowed-host`` to ``parser``."""
    parser.add_argument(
        "--max-requests",
        type=_positive_int,
        default=DEFAULT_MAX_REQUESTS,
        metavar="N",
        help=f"requests the log keeps; older ones are dropped (default {DEFAULT_MAX_REQUESTS})",
    )
    parser.add_argument(
        "--max-connections",
        type=_positive_int,
        default=Limits.max_connections,
        metavar="N",
        help="connections served at once; more are answered 503 "
        f"(default {Limits.max_connections})",
    )
    parser.add_argument(
        "--request-timeout",
        type=_positive_seconds,
        default=Limits.request_timeout,
        metavar="SECONDS",
        help="time a request's head and body may take to arrive, in total; slower is "
        f"answered 408 (default {Limits.request_timeout:g})",
    )
    parser.add_argument(
        "--allowed-host",
        action="append",
        default=[],
        metavar="NAME",
        help="a Host name the control API also answers for besides loopback names "
        "(repeatable; '*' for any), e.g. behind a proxy",
    )


def server_limits(args: argparse.Namespace) -> dict[str, Any]:
    """The ``provider.serve()`` options given by parsed arguments."""
    return {
        "max_connections": getattr(args, "max_connections", Limits.max_connections),
        "request_timeout": getattr(args, "request_timeout", Limits.request_timeout),
    }
