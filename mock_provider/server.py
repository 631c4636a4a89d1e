"""Old import path of :class:`ProviderServer`; it lives in :mod:`mock_provider.transport.server`.

Layering: re-exports only (a public name kept at its old path)."""

from __future__ import annotations

from .transport.server import MAX_BODY, ProviderServer

__all__ = ["MAX_BODY", "ProviderServer"]
