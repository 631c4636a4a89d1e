"""A conformant mock OAuth 2.0 client-credentials authorization server and protected API.

Layering: re-exports only (the public API and ``__all__``); what pytest_oauthcc may use.
The command line, the httpx transports and ``__version__`` load on first use (PEP 562): an
in-process test needs neither argparse's world nor YAML, and ``oauthcc serve`` never needs
httpx (whose import alone costs tens of milliseconds of every start-up).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .faults.fault import Fault
from .faults.quirks import EXPIRES_AT, EXPIRES_IN_AS, QUIRK_NAMES, Quirks, validate_quirks
from .faults.shaping import shape_token_response
from .protocol import (
    ACCESS_TOKEN_ALGORITHMS,
    AUTH_METHODS,
    CLIENT_SECRET_BASIC,
    CLIENT_SECRET_POST,
    BearerError,
    MockProviderError,
    OAuthError,
    Request,
    Response,
    Served,
    fingerprint,
    is_loopback,
    redact_form,
    redact_headers,
    redact_query,
    validate_schema,
)
from .provider import DEFAULT_ISSUER, IssuedToken, MockProvider, RegisteredClient, Resource
from .state.clock import Clock, ManualClock, SystemClock
from .state.keys import process_key
from .state.log import RecordedRequest
from .state.process_clock import ProcessClock, ProcessClockError
from .transport.routing import keep_hooks as keep_in_process_hooks
from .transport.routing import register as register_in_process
from .transport.server import ProviderServer

if TYPE_CHECKING:
    from .cli import VersionAction, add_serve_arguments, run_serve
    from .transport.inprocess import AsyncProviderTransport, ProviderTransport

    __version__: str

_LAZY = {
    "VersionAction": ".cli",
    "add_serve_arguments": ".cli",
    "run_serve": ".cli",
    "AsyncProviderTransport": ".transport.inprocess",
    "ProviderTransport": ".transport.inprocess",
}

__all__ = [
    "ACCESS_TOKEN_ALGORITHMS",
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
    "VersionAction",
    "__version__",
    "add_serve_arguments",
    "fingerprint",
    "is_loopback",
    "keep_in_process_hooks",
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


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    if name == "__version__":
        from .cli import distribution_version

        globals()[name] = version = distribution_version()
        return version
    raise AttributeError(f"module 'mock_provider' has no attribute {name!r}")
