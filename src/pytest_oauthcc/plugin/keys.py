"""Names the plugin's modules share: the step-result property, the stash key, file patterns,
and the item whose test is running.

Layering: a leaf; imports only pytest. It sits below hooks, fixtures, collect and report so
that none of them imports another for a constant.
"""

from __future__ import annotations

import pytest

__all__ = ["DEFAULT_FILES", "RUNNING", "STEP_PROPERTY", "USED", "Running"]

DEFAULT_FILES = ("*.oauthcc.yaml", "*.oauthcc.yml", "*.oauthcc.json", "*.oauthcc.toml")
# The user property carrying a connection step's result from its item (maybe on an xdist
# worker) to the controller, where the terminal matrix and the JSON report are built.
STEP_PROPERTY = "oauthcc_step"
# Set by the fixtures, so a test that uses none of them costs the provider-check hook nothing.
USED = pytest.StashKey[bool]()


class Running:
    """The item whose run protocol (set-up, call, teardown) is in progress, or ``None``.

    Set by the plugin's ``pytest_runtest_protocol`` wrapper, so the provider fixtures reach
    their test's markers and stash without asking for ``request``: pytest builds a fixture
    definition for ``request`` each time a fixture asks for it (inspecting a signature),
    which cost more than building the whole provider. A nested run (pytester's inline
    runs) restores the outer item when it ends.
    """

    item: pytest.Item | None = None


RUNNING = Running()
