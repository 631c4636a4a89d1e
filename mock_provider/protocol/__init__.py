"""The pure protocol names pytest_oauthcc may use (contract shim; relayer-mp owns the real one).

Layering: imports only the provider's pure modules (http, errors, recording, rfc6749) and the
standard library; never httpx, werkzeug or the provider's state.
"""

from __future__ import annotations

from mock_provider.errors import BearerError, MockProviderError, OAuthError
from mock_provider.http import Request, Response
from mock_provider.recording import fingerprint, redact_form, redact_headers, redact_query
from mock_provider.rfc6749 import BASIC as CLIENT_SECRET_BASIC
from mock_provider.rfc6749 import POST as CLIENT_SECRET_POST

from ._loopback import is_loopback
from ._schema import validate_schema

__all__ = [
    "AUTH_METHODS",
    "CLIENT_SECRET_BASIC",
    "CLIENT_SECRET_POST",
    "BearerError",
    "MockProviderError",
    "OAuthError",
    "Request",
    "Response",
    "fingerprint",
    "is_loopback",
    "redact_form",
    "redact_headers",
    "redact_query",
    "validate_schema",
]

# RFC 8414 §2 token_endpoint_auth_methods_supported names, in the provider's order.
AUTH_METHODS = (CLIENT_SECRET_BASIC, CLIENT_SECRET_POST)
