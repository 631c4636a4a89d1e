"""The ``oauthcc`` command: ``serve`` (more subcommands join as they land).

Layering: the top of the command line: imports :mod:`mock_provider`'s serve entry points and
:mod:`pytest_oauthcc.connection.cli`; nothing imports it.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from mock_provider import VersionAction, add_serve_arguments, run_serve

from .connection import cli as connection_cli

__all__ = ["main"]


def build_parser() -> argparse.ArgumentParser:
    """The ``oauthcc`` argument parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="oauthcc", description="Mock OAuth 2.0 client-credentials provider and checker."
    )
    parser.add_argument("--version", action=VersionAction)
    sub = parser.add_subparsers(dest="command", required=True)
    add_serve_arguments(sub.add_parser("serve", help="run the mock provider"))
    connection_cli.add_check_arguments(
        sub.add_parser("check", help="check connection configs (all nine steps)")
    )
    connection_cli.add_schema_arguments(
        sub.add_parser("schema", help="print the JSON Schema of connection files")
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``oauthcc`` with ``argv`` (default: the process arguments); return the status."""
    args = build_parser().parse_args(argv)
    if args.command == "serve":
        return run_serve(args)
    if args.command == "check":
        return connection_cli.check(args)
    if args.command == "schema":
        return connection_cli.schema(args)
    raise AssertionError(f"unhandled command {args.command}")  # pragma: no cover
