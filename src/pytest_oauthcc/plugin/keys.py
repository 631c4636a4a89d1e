"""Names the plugin's modules share: the step-result property, the stash key, file patterns.

Layering: a leaf; imports only pytest. It sits below hooks, fixtures, collect and report so
that none of them imports another for a constant.
"""

from __future__ import annotations

import pytest

__all__ = ["DEFAULT_FILES", "STEP_PROPERTY", "USED"]

DEFAULT_FILES = ("*.oauthcc.yaml", "*.oauthcc.yml", "*.oauthcc.json", "*.oauthcc.toml")
# The user property carrying a connection step's result from its item (maybe on an xdist
# worker) to the controller, where the terminal matrix and the JSON report are built.
STEP_PROPERTY = "oauthcc_step"
# Set by the fixtures, so a test that uses none of them costs the provider-check hook nothing.
USED = pytest.StashKey[bool]()
