"""The ``--client`` values of ``oauthcc serve``: who may ask for tokens, and with what secret.

Two forms, told apart by the first character:

- ``ID:SECRET[:SCOPE,SCOPE...]``: quick to type; the secret cannot contain ``:``.
- a JSON object, ``{"client_id": ..., "client_secret": ..., "scopes": [...]}``: carries any
  secret. Instead of ``client_secret`` it may name ``client_secret_env`` (an environment
  variable) or ``client_secret_file`` (a file; one trailing line break is dropped), so the
  secret stays out of shell history and the process list.

An error names the form and the problem, never the value: it may hold a secret.
"""

from __future__ import annotations

import argparse
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["ClientOption", "parse_client"]

JSON_KEYS = ("client_id", "client_secret", "client_secret_env", "client_secret_file", "scopes")
SECRET_KEYS = ("client_secret", "client_secret_env", "client_secret_file")


@dataclass(frozen=True)
class ClientOption:
    """One ``--client``: the credentials to register and where the secret came from.

    Attributes:
        secret_source: ``""`` for a secret given on the command line, else what it was read
            from (``"$APP_SECRET"``, ``"file /run/secrets/app"``); the banner never prints a
            secret that was read from one.
    """

    client_id: str
    client_secret: str = field(repr=False)
    scopes: tuple[str, ...] = ()
    secret_source: str = ""


def parse_client(value: str) -> ClientOption:
    """Parse one ``--client`` value (either form, see the module docstring).

    Raises:
        argparse.ArgumentTypeError: saying what is wrong, without echoing the value.
    """
    if value.lstrip().startswith("{"):
        return _from_json(value)
    parts = value.split(":")
    if len(parts) not in (2, 3) or not parts[0] or not parts[1]:
        raise argparse.ArgumentTypeError(
            f"expected ID:SECRET or ID:SECRET:SCOPE,SCOPE... but got {len(parts)} part(s)"
            " (a secret containing ':' needs the JSON form: "
            '{"client_id": ..., "client_secret": ...})'
        )
    scopes = tuple(s for s in parts[2].split(",") if s) if len(parts) == 3 else ()
    return ClientOption(parts[0], parts[1], scopes)


def _from_json(value: str) -> ClientOption:
    try:
        data: dict[str, Any] = json.loads(value)  # it starts with "{": an object or an error
    except json.JSONDecodeError as exc:
        # The decoder's message names a position, never the document.
        raise argparse.ArgumentTypeError(
            f"not valid JSON: {exc.msg} at column {exc.colno}"
        ) from None
    unknown = sorted(set(data) - set(JSON_KEYS))
    if unknown:
        raise argparse.ArgumentTypeError(
            f"unknown key {', '.join(map(repr, unknown))}; valid keys: {', '.join(JSON_KEYS)}"
        )
    client_id = data.get("client_id")
    if not isinstance(client_id, str) or not client_id:
        raise argparse.ArgumentTypeError("client_id must be a non-empty string")
    given = [key for key in SECRET_KEYS if key in data]
    if len(given) != 1:
        raise argparse.ArgumentTypeError(
            f"give exactly one of {', '.join(SECRET_KEYS)} (got {len(given)})"
        )
    scopes = data.get("scopes", [])
    if not isinstance(scopes, list) or not all(isinstance(s, str) and s for s in scopes):
        raise argparse.ArgumentTypeError("scopes must be a list of non-empty strings")
    secret, source = _secret(given[0], data[given[0]])
    return ClientOption(client_id, secret, tuple(scopes), source)


def _secret(key: str, where: Any) -> tuple[str, str]:
    if not isinstance(where, str) or not where:
        raise argparse.ArgumentTypeError(f"{key} must be a non-empty string")
    if key == "client_secret":
        return where, ""
    if key == "client_secret_env":
        secret = os.environ.get(where)
        if not secret:
            raise argparse.ArgumentTypeError(f"environment variable {where} is not set or empty")
        return secret, f"${where}"
    try:
        text = Path(where).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "not UTF-8"
        raise argparse.ArgumentTypeError(
            f"cannot read client_secret_file {where}: {reason}"
        ) from None
    # `echo secret > file` and editors end the file with a line break that is not the secret's.
    secret = text.removesuffix("\n").removesuffix("\r")
    if not secret:
        raise argparse.ArgumentTypeError(f"client_secret_file {where} is empty")
    return secret, f"file {where}"
