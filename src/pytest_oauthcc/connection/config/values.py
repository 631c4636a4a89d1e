"""Field values for a check: given explicitly, from the environment (live), or made up (mock).

Live mode reads ``OAUTHCC_<NAME>_<FIELD>`` (the connection name and field key upper-cased,
other characters as ``_``) from the process environment, then from an env file; mock mode
invents credentials, since the mock provider is built from the same values.

Layering: the bottom of ``connection/``: imports the standard library, PyYAML,
:mod:`pytest_oauthcc.connection.errors` and :mod:`mock_provider.protocol` only; never
``rules/``, ``steps/``, httpx or the plugin.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from pathlib import Path

from pytest_oauthcc.connection.errors import ConfigError, ConfigProblem

from .keys import invent_private_key, private_key_field
from .model import ConnectionConfig

__all__ = ["env_var_name", "read_env_file", "resolve_values"]


def env_var_name(connection_name: str, field_key: str) -> str:
    """``OAUTHCC_<NAME>_<FIELD>`` for a connection and field (``OAUTHCC_SERVICEX_CLIENT_ID``)."""
    name = re.sub(r"[^A-Z0-9]+", "_", connection_name.upper()).strip("_")
    return f"OAUTHCC_{name}_{field_key.upper()}"


def read_env_file(path: str | Path) -> dict[str, str]:
    """Parse ``KEY=VALUE`` lines (``#`` comments, optional ``export`` and quotes; a
    double-quoted value may span lines, for a PEM private key).

    Raises:
        ConfigError: if the file cannot be read or a line is not ``KEY=VALUE``; the message
            names the line, never its value.
    """
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        problem = ConfigProblem(name, 1, "", f"cannot read env file: {exc}")
        raise ConfigError(name, [problem]) from None
    values: dict[str, str] = {}
    problems = []
    lines = iter(enumerate(text.splitlines(), start=1))
    for number, raw in lines:
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        line = line.removeprefix("export ").strip()
        key, sep, value = line.partition("=")
        if not sep or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key.strip()):
            problems.append(ConfigProblem(name, number, "", "expected KEY=VALUE", 1))
            continue
        value = value.strip()
        if value.startswith('"') and (len(value) == 1 or not value.endswith('"')):
            # A double-quoted value may span lines (a PEM private key), as in dotenv files.
            parts = [value[1:]]
            for _, more in lines:
                if more.rstrip().endswith('"'):
                    parts.append(more.rstrip()[:-1])
                    break
                parts.append(more)
            else:
                problems.append(ConfigProblem(name, number, "", "the quoted value is never closed"))
                continue
            values[key.strip()] = "\n".join(parts)
            continue
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        values[key.strip()] = value
    if problems:
        raise ConfigError(name, problems)
    return values


def resolve_values(
    config: ConnectionConfig,
    given: Mapping[str, str],
    *,
    live: bool,
    sources: Mapping[str, str] = {},
) -> tuple[dict[str, str], list[str]]:
    """The value of every field, and the keys of required fields nobody supplied.

    Order: ``given``, then (live) ``sources`` by :func:`env_var_name`, then the field's
    default; in mock mode a missing value is invented (secrets randomly, per check; the
    ``private_key_jwt`` key field a fresh key of the configured algorithm's type).
    """
    values: dict[str, str] = {}
    missing: list[str] = []
    key_field = private_key_field(config)
    for spec in config.fields:
        value = given.get(spec.key)
        if value is None and live:
            value = sources.get(env_var_name(config.name, spec.key))
        if value is None:
            value = spec.default
        if value is None and not live:
            value = spec.example
        if value is None and spec.options:
            value = spec.options[0] if not live else None
        if value is None and not live and spec.key == key_field:
            value = invent_private_key(config.token.assertion_alg)
        if value is None and not live:
            # 69 bytes: a client_secret_jwt HMAC key long enough even for HS512 (RFC 7518 §3.2).
            value = f"mock-{secrets.token_urlsafe(48)}" if spec.secret else f"mock-{spec.key}"
        if value is None:
            if spec.required:
                missing.append(spec.key)
            continue
        values[spec.key] = value
    return values, missing
