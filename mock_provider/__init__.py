"""A conformant mock OAuth 2.0 client-credentials authorization server and protected API.

Layering: re-exports only (the public API and ``__all__``); what pytest_oauthcc may use.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from .cli import VersionAction, add_serve_arguments, run_serve
from .faults.fault import Fault
from .faults.quirks import EXPIRES_AT, EXPIRES_IN_AS, QUIRK_NAMES, Quirks, validate_quirks
from .faults.shaping import shape_token_response
from .protocol import (
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
from .transport.inprocess import AsyncProviderTransport, ProviderTransport
from .transport.routing import register as register_in_process
from .transport.server import ProviderServer

try:
    __version__ = version("pytest-oauthcc")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
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
    "VersionAction",
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
