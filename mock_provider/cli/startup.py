"""Why ``oauthcc serve`` cannot start, as one line, found before or while it binds.

A start-up problem is the operator's to fix (another port, an extra to install), so it is
reported as one ``error: ...`` line with exit status 2, never a traceback. Extras are checked
up front: a provider that started without joserfc would answer every token request with 500.
"""

from __future__ import annotations

import errno
import importlib

__all__ = ["bind_problem", "missing_extra", "port_problem"]

# extra -> (the module it provides, its distribution name)
EXTRAS = {"tls": ("trustme", "trustme"), "jwt": ("joserfc", "joserfc")}


def port_problem(port: int) -> str | None:
    """Why ``port`` cannot be bound (out of the TCP range), or ``None``."""
    if 0 <= port <= 65535:
        return None
    return f"--port {port} is out of range: expected 0-65535 (0 picks a free port)"


def missing_extra(extra: str, needed_by: str) -> str | None:
    """Why ``needed_by`` cannot work (the ``extra``'s module does not import), or ``None``."""
    module, distribution = EXTRAS[extra]
    try:
        importlib.import_module(module)
    except ImportError:
        return (
            f"{needed_by} needs the {extra!r} extra ({distribution} is not installed): "
            f"pip install 'pytest-oauthcc[{extra}]'"
        )
    return None


def bind_problem(host: str, port: int, exc: OSError) -> str:
    """The line for an ``OSError`` raised while binding ``host:port``."""
    where = f"{host}:{port}"
    if exc.errno == errno.EADDRINUSE:
        return (
            f"cannot serve on {where}: the port is already in use "
            "(choose another --port, or --port 0 for a free one)"
        )
    if exc.errno == errno.EADDRNOTAVAIL:
        return f"cannot serve on {where}: {host} is not an address of this machine"
    if exc.errno == errno.EACCES:
        return f"cannot serve on {where}: permission denied (ports below 1024 need privileges)"
    reason = exc.strerror or exc.__class__.__name__
    return f"cannot serve on {where}: {reason}"
