"""Hypothesis strategies for testing OAuth 2.0 client-credentials clients and configs.

Throw every provider behaviour at a client, not just the five you thought of::

    from hypothesis import given
    from pytest_oauthcc.strategies import fault_plans

    @given(plan=fault_plans(eventually_succeeds=True))
    def test_my_client_survives(plan): ...

Every strategy validates its arguments when called (``InvalidArgument``, in Hypothesis's
"Expected X but got name=value" style) and shrinks to a readable example. This module
imports Hypothesis; ``import pytest_oauthcc`` does not (the plugin stays fast to load).

Layering: imports Hypothesis, PyYAML and what :mod:`mock_provider` exports; never the plugin
(the connection format only inside runnable examples).
"""

from __future__ import annotations

from ._answers import ErrorAnswer, HTTPAnswer, TokenAnswer
from ._config_files import BrokenConfig, ConfigFile
from ._configs import broken_connection_configs, connection_configs
from ._credentials import client_ids, client_secrets, scope_sets, scopes
from ._plan import FaultPlan, PlannedAnswer, ProviderEvent
from ._plans import BEHAVIOURS, fault_plans
from ._responses import RESOURCE_ERRORS, TOKEN_ERRORS, oauth_errors, token_responses

__all__ = [
    "BEHAVIOURS",
    "RESOURCE_ERRORS",
    "TOKEN_ERRORS",
    "BrokenConfig",
    "ConfigFile",
    "ErrorAnswer",
    "FaultPlan",
    "HTTPAnswer",
    "PlannedAnswer",
    "ProviderEvent",
    "TokenAnswer",
    "broken_connection_configs",
    "client_ids",
    "client_secrets",
    "connection_configs",
    "fault_plans",
    "oauth_errors",
    "scope_sets",
    "scopes",
    "token_responses",
]
