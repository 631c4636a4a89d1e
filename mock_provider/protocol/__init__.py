"""The mock provider's pure protocol rules: HTTP model, errors, one module per RFC.

Layering: modules here import only the standard library and each other (never state,
faults, endpoints, app, control or transport, nor httpx/werkzeug), so the reference
client can use them cheaply.
"""

from __future__ import annotations

from .errors import BearerError, InvalidClientError, MockProviderError, OAuthError
from .http import Headers, Request, Response, Served, is_loopback
from .jws import SignatureAlgorithm, signature_algorithms
from .redaction import fingerprint, redact_form, redact_headers, redact_query
from .rfc6749 import AUTH_METHODS, CLIENT_SECRET_BASIC, CLIENT_SECRET_POST
from .rfc6750 import BEARER_HEADER, TokenPlacement, token_placement
from .rfc7523 import CLIENT_SECRET_JWT, JWT_BEARER, PRIVATE_KEY_JWT
from .rfc9068 import ACCESS_TOKEN_ALGORITHMS, access_token_alg_problem
from .schema import validate_schema

__all__ = [
    "ACCESS_TOKEN_ALGORITHMS",
    "AUTH_METHODS",
    "BEARER_HEADER",
    "CLIENT_SECRET_BASIC",
    "CLIENT_SECRET_JWT",
    "CLIENT_SECRET_POST",
    "JWT_BEARER",
    "PRIVATE_KEY_JWT",
    "BearerError",
    "Headers",
    "InvalidClientError",
    "MockProviderError",
    "OAuthError",
    "Request",
    "Response",
    "Served",
    "SignatureAlgorithm",
    "TokenPlacement",
    "access_token_alg_problem",
    "fingerprint",
    "is_loopback",
    "redact_form",
    "redact_headers",
    "redact_query",
    "signature_algorithms",
    "token_placement",
    "validate_schema",
]
