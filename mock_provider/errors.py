"""Old import path of the provider errors; they live in :mod:`mock_provider.protocol.errors`.

Layering: re-exports only (public names kept at their old path)."""

from __future__ import annotations

from .protocol.errors import BearerError, MockProviderError, OAuthError, sanitize_description

__all__ = ["BearerError", "MockProviderError", "OAuthError", "sanitize_description"]
