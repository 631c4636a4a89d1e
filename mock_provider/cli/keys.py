"""The ``--client-jwks ID=PATH`` values of ``oauthcc serve``: a client's public JWK Set, for
``private_key_jwt`` (RFC 7523 §2.2).

An error names the file and the problem, never its text: a private key put there by mistake
must not be printed.

Layering: part of the command line; imports the facade only to register the keys.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
from pathlib import Path
from typing import Any

from mock_provider.provider import MockProvider

__all__ = ["add_client_keys", "parse_client_jwks"]


def parse_client_jwks(value: str) -> tuple[str, dict[str, Any]]:
    """Parse ``ID=PATH``: the client and the JWK Set (JSON, public keys) in the file.

    Raises:
        argparse.ArgumentTypeError: for another form, an unreadable file or not a JSON object.
    """
    client_id, sep, path = value.partition("=")
    if not sep or not client_id or not path:
        raise argparse.ArgumentTypeError(f"expected ID=PATH (a JWK Set file), got {value!r}")
    try:
        jwks = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise argparse.ArgumentTypeError(
            f"cannot read a JSON JWK Set from {path}: {type(exc).__name__}"
        ) from None
    if not isinstance(jwks, dict):
        raise argparse.ArgumentTypeError(f"{path} must hold a JWK Set object")
    return client_id, jwks


def add_client_keys(provider: MockProvider, client_id: str, jwks: dict[str, Any]) -> None:
    """Register ``jwks`` for ``client_id``: added to a registered client (which keeps its
    other options), or a keys-only client.

    Raises:
        ValueError: for a JWK Set the provider refuses (a private member, ...).
    """
    known = provider.client(client_id)
    options: dict[str, Any] = {}
    if known is not None:
        chosen = {f.name for f in dataclasses.fields(known) if f.init}
        options = {name: getattr(known, name) for name in chosen}
        # Its default methods were worked out without keys: recomputed with them.
        for derived in ("client_id", "auth_methods", "keys", "remote_keys"):
            del options[derived]
    secret = options.pop("client_secret", None)
    provider.add_client(client_id, secret, **{**options, "jwks": jwks})
