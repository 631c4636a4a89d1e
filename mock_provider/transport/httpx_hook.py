"""The routing table's hook for httpx: answers registered origins from httpx's own default
transports (see :func:`.httpx_family.hook_patches`), so clients a library builds itself are
reached.

Layering: imports httpx and :mod:`.httpx_family` only.
"""

from __future__ import annotations

import httpx

from .httpx_family import hook_patches
from .routing import Patch

__all__ = ["patches"]


def patches() -> tuple[Patch, ...]:
    """What answers registered origins from httpx's default transports."""
    return hook_patches(httpx)
