"""The routing table's hook for httpx: answers registered origins from httpx's own default
transports (see :func:`.httpx_family.install_hook`), so clients a library builds itself are
reached.

Layering: imports httpx and :mod:`.httpx_family` only.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx

from .httpx_family import install_hook

__all__ = ["install"]


def install() -> Callable[[], None]:
    """Answer registered origins from httpx's default transports; return the undo."""
    return install_hook(httpx)
