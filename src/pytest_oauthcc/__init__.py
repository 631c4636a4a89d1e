"""pytest-oauthcc: test OAuth 2.0 client-credentials connections against a conformant mock.

Layering: the public API only (re-exports, ``__all__``, ``__version__``). pytest imports this
package for the plugin on every run, so everything but the errors loads on first use
(PEP 562): ``client/`` (httpx), ``plugin/checked`` (the mock provider), ``connection/`` and
``strategies/`` (Hypothesis).
"""

from __future__ import annotations

from importlib import metadata
from typing import TYPE_CHECKING, Any

from .errors import (
    ClientConfigurationError,
    ClientCredentialsError,
    DisallowedHostError,
    InvalidTokenResponseError,
    OAuthccError,
    RevocationError,
    TokenEndpointError,
    TokenEndpointUnavailableError,
    TokenRequestError,
    UnsupportedTokenTypeError,
)

if TYPE_CHECKING:
    from . import strategies as strategies
    from .client import ClientCredentials, ClientStats, RetryPolicy, TokenCache
    from .connection.checker import Connection
    from .plugin.checked import CheckedProvider, ProviderCheckError

try:
    __version__ = metadata.version("pytest-oauthcc")
except metadata.PackageNotFoundError:  # pragma: no cover - running from a bare checkout
    __version__ = "0+unknown"

__all__: list[str] = [
    "CheckedProvider",
    "ClientConfigurationError",
    "ClientCredentials",
    "ClientCredentialsError",
    "ClientStats",
    "Connection",
    "DisallowedHostError",
    "InvalidTokenResponseError",
    "OAuthccError",
    "ProviderCheckError",
    "RetryPolicy",
    "RevocationError",
    "TokenCache",
    "TokenEndpointError",
    "TokenEndpointUnavailableError",
    "TokenRequestError",
    "UnsupportedTokenTypeError",
    "__version__",
]

# The client pulls in httpx; pytest imports this package for the plugin on every run, so
# the client is imported on first use only (PEP 562).
_LAZY = {"ClientCredentials", "ClientStats", "RetryPolicy", "TokenCache"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from . import client

        return getattr(client, name)
    if name in {"CheckedProvider", "ProviderCheckError"}:
        # What the fixtures hand out; it imports the mock provider, so it loads on first use.
        from .plugin import checked

        return getattr(checked, name)
    if name == "Connection":
        from .connection.checker import Connection

        return Connection
    if name == "strategies":
        # Hypothesis costs a lot to import; only tests that use the strategies pay for it.
        import importlib

        return importlib.import_module(".strategies", __name__)
    raise AttributeError(f"module 'pytest_oauthcc' has no attribute {name!r}")
