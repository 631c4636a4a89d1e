"""JWT keys at their old path; they live in :mod:`mock_provider.state.keys`.

Layering: re-exports only. Compatibility re-export for pytest_oauthcc until the merge."""

from __future__ import annotations

# compatibility re-export for pytest_oauthcc until the merge
from .state.keys import JWTUnavailable, SigningKeys, process_key

__all__ = ["JWTUnavailable", "SigningKeys", "process_key"]
