"""A conformant mock OAuth 2.0 client-credentials authorization server and protected API."""

from __future__ import annotations

from importlib import metadata
from typing import TYPE_CHECKING, Any

from .clock import Clock, ManualClock, SystemClock
from .errors import BearerError, MockProviderError, OAuthError
from .faults import Fault
from .protocol import (
    AUTH_METHODS,
    CLIENT_SECRET_BASIC,
    CLIENT_SECRET_POST,
    Request,
    Response,
    fingerprint,
    is_loopback,
    redact_form,
    redact_headers,
    redact_query,
    validate_schema,
)
from .provider import DEFAULT_ISSUER, IssuedToken, MockProvider, RegisteredClient, Resource
from .quirks import (
    EXPIRES_AT,
    EXPIRES_IN_AS,
    QUIRK_NAMES,
    Quirks,
    shape_token_response,
    validate_quirks,
)
from .recording import RecordedRequest
from .server import ProviderServer, Served
from .state.process_clock import ProcessClock, ProcessClockError

if TYPE_CHECKING:
    from .cli import add_serve_arguments
    from .cli import serve as run_serve
    from .rfc9068 import process_key
    from .transport.routing import register as register_in_process
    from .transports import AsyncProviderTransport, ProviderTransport

try:
    __version__ = metadata.version("pytest-oauthcc")
except metadata.PackageNotFoundError:  # pragma: no cover - running from a bare checkout
    __version__ = "0+unknown"

__all__ = [
    "AUTH_METHODS",
    "CLIENT_SECRET_BASIC",
    "CLIENT_SECRET_POST",
    "DEFAULT_ISSUER",
    "EXPIRES_AT",
    "EXPIRES_IN_AS",
    "QUIRK_NAMES",
    "AsyncProviderTransport",
    "BearerError",
    "Clock",
    "Fault",
    "IssuedToken",
    "ManualClock",
    "MockProvider",
    "MockProviderError",
    "OAuthError",
    "ProcessClock",
    "ProcessClockError",
    "ProviderServer",
    "ProviderTransport",
    "Quirks",
    "RecordedRequest",
    "RegisteredClient",
    "Request",
    "Resource",
    "Response",
    "Served",
    "SystemClock",
    "__version__",
    "add_serve_arguments",
    "fingerprint",
    "is_loopback",
    "process_key",
    "redact_form",
    "redact_headers",
    "redact_query",
    "register_in_process",
    "run_serve",
    "shape_token_response",
    "validate_quirks",
    "validate_schema",
]

# These pull in httpx (transports), joserfc (keys) or the scenario loader (cli): loaded on
# first use so that ``import mock_provider`` stays light.
_LAZY = {
    "AsyncProviderTransport": ("transports", "AsyncProviderTransport"),
    "ProviderTransport": ("transports", "ProviderTransport"),
    "process_key": ("rfc9068", "process_key"),
    "register_in_process": ("transport.routing", "register"),
    "add_serve_arguments": ("cli", "add_serve_arguments"),
    "run_serve": ("cli", "serve"),
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        return getattr(importlib.import_module(f".{module}", __name__), attr)
    raise AttributeError(f"module 'mock_provider' has no attribute {name!r}")
