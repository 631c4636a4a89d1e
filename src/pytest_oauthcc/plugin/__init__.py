"""The pytest plugin (entry point ``oauthcc``): options, markers, fixtures and hooks.

pytest imports every installed plugin at start-up, in every run of every project in the
environment, whether or not a test uses it. So this package's entry only registers things: the
mock provider, httpx, werkzeug and the reference client are imported inside the fixtures that
need them, and a run that uses none of them pays nothing for them.

Layering: the plugin sits on top; it may import :mod:`pytest_oauthcc.client`,
:mod:`pytest_oauthcc.connection` and what :mod:`mock_provider` exports. Nothing below imports it.
"""

from __future__ import annotations

from .fixtures import (
    make_oauth_provider,
    oauth_async_client,
    oauth_client,
    oauth_provider,
    oauth_server,
    oauth_server_pool,
    oauthcc_connection,
)
from .hooks import (
    ConnectionReports,
    pytest_addoption,
    pytest_collect_file,
    pytest_configure,
    pytest_runtest_call,
    pytest_runtest_protocol,
    pytest_sessionfinish,
)
from .keys import DEFAULT_FILES, STEP_PROPERTY

__all__ = [
    "DEFAULT_FILES",
    "STEP_PROPERTY",
    "ConnectionReports",
    "make_oauth_provider",
    "oauth_async_client",
    "oauth_client",
    "oauth_provider",
    "oauth_server",
    "oauth_server_pool",
    "oauthcc_connection",
    "pytest_addoption",
    "pytest_collect_file",
    "pytest_configure",
    "pytest_runtest_call",
    "pytest_runtest_protocol",
    "pytest_sessionfinish",
]
