"""The provider's HTTP model at its old path; it lives in :mod:`mock_provider.protocol.http`.

Layering: re-exports only. Compatibility re-export for pytest_oauthcc until the merge."""

from __future__ import annotations

# compatibility re-export for pytest_oauthcc until the merge
from .protocol.http import Headers, Request, Response

__all__ = ["Headers", "Request", "Response"]
