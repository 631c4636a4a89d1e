"""The connection file format: loading (YAML, JSON, TOML with line numbers), the schema, the
typed model, ``{{ namespace.path }}`` placeholders, field values and the generated reference.

Layering: the bottom of :mod:`pytest_oauthcc.connection`; imports only
:mod:`pytest_oauthcc.connection.errors`, the standard library, PyYAML and
:mod:`mock_provider.protocol`; never ``rules/``, ``steps/``, httpx or the plugin.
"""

from __future__ import annotations

from .loading import Document, KeyPath, find_connection_files, load_document
from .model import ConnectionConfig, load_config
from .schema import SCHEMA, validate

__all__ = [
    "SCHEMA",
    "ConnectionConfig",
    "Document",
    "KeyPath",
    "find_connection_files",
    "load_config",
    "load_document",
    "validate",
]
