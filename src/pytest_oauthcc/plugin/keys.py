"""Names the plugin's modules share: the step-result property, the stash key, file patterns,
the item whose test is running, and the way to the fixtures' work (:mod:`.providers`).

Layering: a leaf; imports only pytest and the standard library. It sits below hooks,
fixtures, collect and report so that none of them imports another for a constant.
"""

from __future__ import annotations

import importlib
import sys
from types import ModuleType

import pytest

__all__ = [
    "DEFAULT_FILES",
    "ROUTING_FIXTURES",
    "RUNNING",
    "STEP_PROPERTY",
    "USED",
    "Running",
    "providers_module",
    "uses_routing",
]

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
    #: The item pytest runs after it (``None`` for the last).
    nextitem: pytest.Item | None = None
    #: Whether the in-process hooks were kept installed for the next item (see
    #: :func:`uses_routing`).
    kept_hooks: bool = False


RUNNING = Running()

#: The fixtures that answer in-process through the routing table.
ROUTING_FIXTURES = frozenset({"oauth_provider", "make_oauth_provider"})


def uses_routing(item: pytest.Item | None) -> bool:
    """Whether ``item`` asks for a fixture that answers in-process (directly or through
    another fixture): the plugin then keeps the stacks' hooks installed from the test before
    it, where installing and undoing them cost a test more than registering its provider."""
    names = getattr(item, "fixturenames", ())
    return not ROUTING_FIXTURES.isdisjoint(names)


def providers_module() -> ModuleType:
    """:mod:`.providers` (what the fixtures do), imported at the first test that uses it.

    Looked up in ``sys.modules``: an import statement in a fixture runs the import
    machinery's checks again in every test. Never cached here: pytester's in-process runs
    drop the modules they imported, and the next run imports them anew.
    """
    module = sys.modules.get(_PROVIDERS)
    if module is None:
        module = importlib.import_module(_PROVIDERS)
    return module


_PROVIDERS = "pytest_oauthcc.plugin.providers"
