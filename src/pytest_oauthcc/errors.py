"""The one exception base of ``pytest_oauthcc``; each part defines its errors under it."""

from __future__ import annotations

__all__ = ["OAuthccError"]


class OAuthccError(Exception):
    """Base of every exception raised by pytest_oauthcc (client, connection configs, plugin).

    Messages never contain a client secret or a token (a short fingerprint at most).
    """
