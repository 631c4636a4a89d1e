"""The reference OAuth 2.0 client-credentials client: :class:`ClientCredentials`, an ``httpx.Auth``
(and an ``httpx2.Auth`` when httpx2 is installed).

Layering: the client knows no pytest, no plugin and no connection format; it imports httpx,
:mod:`pytest_oauthcc.errors` and :mod:`mock_provider.protocol` (pure, light) only. Inside,
``credentials`` (the public class) sits on ``flow`` (the logic as effect-yielding generators),
which sits on ``settings``, ``token_request``, ``hosts``, ``token``, ``lifetime``, ``retry``,
``single_flight``, ``drive`` and ``stacks`` (httpx or httpx2).
"""

from __future__ import annotations

from .credentials import ClientCredentials
from .retry import RetryPolicy
from .settings import ClientSettings
from .single_flight import TokenCache
from .stats import ClientStats

__all__ = ["ClientCredentials", "ClientSettings", "ClientStats", "RetryPolicy", "TokenCache"]
