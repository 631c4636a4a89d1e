"""pytest-oauthcc: test OAuth 2.0 client-credentials connections against a conformant mock."""

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
    from ._provider import CheckedProvider, ProviderCheckError
    from .client import ClientCredentials, ClientStats, RetryPolicy, TokenCache
    from .connection.checker import Connection

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
        from . import _provider

        return getattr(_provider, name)
    if name == "Connection":
        from .connection.checker import Connection

        return Connection
    if name == "strategies":
        # Hypothesis costs a lot to import; only tests that use the strategies pay for it.
        import importlib

        return importlib.import_module(".strategies", __name__)
    raise AttributeError(f"module 'pytest_oauthcc' has no attribute {name!r}")
