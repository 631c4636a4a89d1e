"""The in-process transports at their old path; they live in :mod:`mock_provider.transport`.

Layering: re-exports only. Compatibility re-export for pytest_oauthcc until the merge."""

from __future__ import annotations

# compatibility re-export for pytest_oauthcc until the merge
from .transport.inprocess import AsyncProviderTransport, ProviderTransport

__all__ = ["AsyncProviderTransport", "ProviderTransport"]
