"""The JSON Schema of connection files, and the validator the loader runs against it.

The schema is the one source of truth for the format: ``oauthcc schema`` prints it for
editors, the docs' format reference is generated from it, and :func:`validate` checks every
file against it (a small validator for exactly the keywords used here, so the checker needs
no extra dependency; the test suite cross-checks it with ``jsonschema``).

Layering: the bottom of ``connection/``: imports the standard library, PyYAML,
:mod:`pytest_oauthcc.connection.errors` and :mod:`mock_provider.protocol` only; never
``rules/``, ``steps/``, httpx or the plugin.
"""

from __future__ import annotations

import json
from typing import Any

from mock_provider.protocol import validate_schema as _validate

__all__ = [
    "ASSERTION_ALGS",
    "AUTH_METHOD_OF",
    "CLIENT_AUTH",
    "SCHEMA",
    "STEP_OF_KEY",
    "schema_json",
    "validate",
]

# token.client_auth -> the RFC 8414 method name; "basic" and "body" are the format's first
# names, kept, and each RFC name stands for itself.
AUTH_METHOD_OF = {
    "basic": "client_secret_basic",
    "body": "client_secret_post",
    "client_secret_basic": "client_secret_basic",
    "client_secret_post": "client_secret_post",
    "client_secret_jwt": "client_secret_jwt",
    "private_key_jwt": "private_key_jwt",
}
CLIENT_AUTH = tuple(AUTH_METHOD_OF)
# RFC 7518 §3.1 / RFC 8037: HMAC for client_secret_jwt, the rest for private_key_jwt.
ASSERTION_ALGS = (
    "HS256",
    "HS384",
    "HS512",
    "RS256",
    "RS384",
    "RS512",
    "PS256",
    "PS384",
    "PS512",
    "ES256",
    "ES384",
    "ES512",
    "EdDSA",
)

_STR: dict[str, Any] = {"type": "string"}
_TEMPLATE = {"type": "string", "minLength": 1, "description": "may contain {{ placeholders }}"}
_STRING_MAP: dict[str, Any] = {"type": "object", "additionalProperties": {"type": "string"}}

_FIELD: dict[str, Any] = {
    "type": "object",
    "description": "Step 1: one value the user fills in when connecting.",
    "required": ["key", "label"],
    "additionalProperties": False,
    "properties": {
        "key": {
            "type": "string",
            "pattern": "^[a-z][a-z0-9_]*$",
            "description": "Name used in placeholders ({{ fields.KEY }}) and env variables.",
        },
        "label": {"type": "string", "minLength": 1, "description": "What the user sees."},
        "help": {"type": "string", "description": "Where to find the value in the console."},
        "required": {"type": "boolean", "default": False, "description": "The user must fill it."},
        "secret": {
            "type": "boolean",
            "default": False,
            "description": "Masked in the UI and never printed, logged or sent outside auth.",
        },
        "options": {
            "type": "array",
            "minItems": 1,
            "items": {"type": "string", "minLength": 1},
            "description": "Allowed values (a selector, e.g. the environment).",
        },
        "default": {"type": "string", "description": "The value when the user gives none."},
        "example": {
            "type": "string",
            "description": "A sample value: placeholder text for the user; mock checks use it.",
        },
    },
}

_URL_OBJECT = {"type": "object", "required": ["url"], "additionalProperties": False}

SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://pytest-oauthcc.readthedocs.io/schema/connection-v1.json",
    "title": "pytest-oauthcc connection config",
    "description": "One OAuth 2.0 client-credentials connection, described in nine steps.",
    "type": "object",
    "required": [
        "version",
        "name",
        "fields",
        "token",
        "test",
        "label",
        "allowed_domains",
        "unique_id",
    ],
    "additionalProperties": False,
    "properties": {
        "version": {"const": 1, "description": "Format version; always 1."},
        "name": {"type": "string", "minLength": 1, "description": "The connection's name."},
        "description": {"type": "string", "description": "What the connection is for."},
        "fields": {
            "type": "array",
            "minItems": 1,
            "items": _FIELD,
            "description": "Step 1: the fields the user fills in.",
        },
        "environments": {
            "type": "object",
            "minProperties": 1,
            "additionalProperties": _STRING_MAP,
            "description": "Named sets of values ({{ env.NAME }}), chosen by the field "
            "`environment_field` names; every environment name must be one of its options.",
        },
        "environment_field": {
            "type": "string",
            "pattern": "^[a-z][a-z0-9_]*$",
            "default": "environment",
            "description": "The key of the field that chooses the environment (a selector "
            "with one option per environment), e.g. `data_center`.",
        },
        "token": {
            **_URL_OBJECT,
            "description": "Step 2: the Access Token API (RFC 6749 §4.4).",
            "properties": {
                "url": {**_TEMPLATE, "description": "Token endpoint; HTTPS."},
                "client_auth": {
                    "enum": list(CLIENT_AUTH),
                    "default": "basic",
                    "description": "basic: HTTP Basic (client_secret_basic); body: "
                    "client_id and client_secret in the form (client_secret_post); "
                    "client_secret_jwt / private_key_jwt: an RFC 7523 JWT assertion signed "
                    "with the secret / with token.private_key. The RFC 8414 names "
                    "client_secret_basic and client_secret_post are accepted too.",
                },
                "client_id": {**_TEMPLATE, "default": "{{ fields.client_id }}"},
                "client_secret": {
                    **_TEMPLATE,
                    "default": "{{ fields.client_secret }}",
                    "description": "The secret (not with private_key_jwt); a reference to a "
                    "secret field.",
                },
                "private_key": {
                    **_TEMPLATE,
                    "default": "{{ fields.private_key }}",
                    "description": "private_key_jwt: the PEM (or JWK JSON) private key; a "
                    "reference to a secret field, never a value in the file.",
                },
                "key_id": {
                    **_TEMPLATE,
                    "description": "private_key_jwt: the kid the provider knows the key by.",
                },
                "assertion_alg": {
                    "enum": list(ASSERTION_ALGS),
                    "description": "The JWT methods' algorithm; default HS256 (client_secret_"
                    "jwt), or by key type: RS256, ES256/384/512, EdDSA (private_key_jwt).",
                },
                "assertion_audience": {
                    **_TEMPLATE,
                    "description": "The JWT methods' aud; default the token URL (Auth0 wants "
                    "its issuer, https://TENANT/).",
                },
                "scopes": {
                    "type": "array",
                    "items": {"type": "string", "pattern": "^[!#-\\[\\]-~]+$"},
                    "description": "Sent space-separated as `scope`; omit for the default.",
                },
                "extra_params": {
                    **_STRING_MAP,
                    "description": "More form parameters (audience, resource, ...).",
                },
                "response": {
                    "description": "Where the token answer keeps the token and lifetime.",
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {
                        "access_token": {
                            "type": "string",
                            "default": "access_token",
                            "description": "Dotted path of the token.",
                        },
                        "expires_in": {
                            "type": ["string", "null"],
                            "default": "expires_in",
                            "description": "Dotted path of the lifetime; null "
                            "when the provider sends none.",
                        },
                        "default_expires_in": {
                            "type": "integer",
                            "minimum": 1,
                            "default": 3600,
                            "description": "Lifetime assumed when no expires_in is sent.",
                        },
                    },
                },
                "renew_before": {
                    "type": "integer",
                    "minimum": 0,
                    "default": 60,
                    "description": "Renew this many seconds before expiry.",
                },
                "token_format": {
                    "enum": ["opaque", "jwt"],
                    "default": "opaque",
                    "description": "What the provider issues (the mock mimics).",
                },
            },
        },
        "refresh": {
            **_URL_OBJECT,
            "required": ["url", "grant_type"],
            "description": "Step 3, optional: only when the provider explicitly supports it.",
            "properties": {
                "url": _TEMPLATE,
                "grant_type": {
                    "enum": ["client_credentials", "refresh_token"],
                    "description": "client_credentials: a new token from this URL; "
                    "refresh_token: the provider documents refresh tokens for this grant.",
                },
            },
        },
        "revoke": {
            **_URL_OBJECT,
            "description": "Step 4, optional: the Revoke Token API (RFC 7009).",
            "properties": {"url": _TEMPLATE},
        },
        "token_placement": {
            "type": "object",
            "additionalProperties": False,
            "description": "Where API calls carry the token: a header (RFC 6750 §2.1 "
            "`Authorization: Bearer` by default) or, discouraged, the query (§2.3).",
            "properties": {
                "in": {
                    "enum": ["header", "query"],
                    "default": "header",
                    "description": "header, or query (RFC 6750 §2.3: warns, URLs are logged).",
                },
                "name": {
                    "type": "string",
                    "pattern": "^[!#-'*+.0-9A-Z^-z|~-]+$",
                    "default": "Authorization",
                    "description": "The header (X-Auth-Token, ...), or the query parameter "
                    "(default access_token).",
                },
                "prefix": {
                    "type": "string",
                    "pattern": "^[ -~]*$",
                    "default": "Bearer ",
                    "description": "Before the token in the header (Zoho-oauthtoken , "
                    "token ); default Bearer for Authorization, nothing for other headers.",
                },
            },
        },
        "test": {
            **_URL_OBJECT,
            "description": "Step 5: the Test (Me) API that confirms the token works.",
            "properties": {
                "method": {
                    "enum": ["GET", "POST", "HEAD"],
                    "default": "GET",
                    "description": "The HTTP method of the Test API.",
                },
                "url": _TEMPLATE,
                "scopes": {
                    "type": "array",
                    "items": {"type": "string", "pattern": "^[!#-\\[\\]-~]+$"},
                    "description": "Scopes the Test API needs (the mock then requires exactly "
                    "these: 403 insufficient_scope otherwise); token.scopes beyond what the "
                    "declared calls need warn.",
                },
                "expect": {
                    "description": "What a working token gets back.",
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {
                        "status": {
                            "description": "Accepted statuses (2xx only); default [200].",
                            "type": "array",
                            "minItems": 1,
                            "items": {"type": "integer", "minimum": 100, "maximum": 599},
                        },
                        "body_has": {
                            "type": "array",
                            "items": {"type": "string", "minLength": 1},
                            "description": "Dotted paths the JSON answer must contain.",
                        },
                    },
                },
            },
        },
        "calls": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["name", "scopes"],
                "additionalProperties": False,
                "properties": {
                    "name": {
                        "type": "string",
                        "minLength": 1,
                        "description": "What the call does (List orders, ...).",
                    },
                    "scopes": {
                        "type": "array",
                        "items": {"type": "string", "pattern": "^[!#-\\[\\]-~]+$"},
                        "description": "The scopes it needs.",
                    },
                },
            },
            "description": "Other API calls the connection makes, with the scopes each needs: "
            "with test.scopes, what justifies token.scopes (least privilege).",
        },
        "label": {**_TEMPLATE, "description": "Step 6: the connection label (<= 512 chars)."},
        "allowed_domains": {
            "type": "array",
            "minItems": 1,
            "items": {"type": "string", "minLength": 1},
            "description": "Step 7: hosts the connection may call; `*.x` = subdomains of x.",
        },
        "unique_id": {**_TEMPLATE, "description": "Step 8: the stable account identifier."},
        "request_defaults": {
            "type": "object",
            "additionalProperties": False,
            "description": "Step 9: sent with every API request, never credentials.",
            "properties": {
                "query": {**_STRING_MAP, "description": "Query parameters (e.g. version)."},
                "headers": {**_STRING_MAP, "description": "Headers (e.g. Accept)."},
            },
        },
        "mock": {
            "type": "object",
            "additionalProperties": False,
            "description": "What the mock provider answers (mock mode only).",
            "properties": {
                "test_response": {"description": "The Test API's JSON body."},
                "token_response": {
                    "type": "object",
                    "description": "Extra members of token answers (e.g. an app_id).",
                },
            },
        },
    },
}

# The step each top-level key belongs to, for attributing problems to results.
STEP_OF_KEY = {
    "fields": "fields",
    "environments": "fields",
    "environment_field": "fields",
    "token": "token",
    "token_placement": "test",
    "calls": "token",
    "refresh": "refresh",
    "revoke": "revoke",
    "test": "test",
    "mock": "test",
    "label": "label",
    "allowed_domains": "allowed_domains",
    "unique_id": "unique_id",
    "request_defaults": "request_defaults",
}


def schema_json() -> str:
    """The schema as indented JSON text (what ``oauthcc schema`` prints)."""
    return json.dumps(SCHEMA, indent=2, ensure_ascii=False) + "\n"


def validate(value: Any) -> list[tuple[tuple[str | int, ...], str]]:
    """Every way ``value`` breaks :data:`SCHEMA`, as ``(key path, message)`` pairs."""
    return _validate(value, SCHEMA)
