"""The reference client's assertion builder, as the tests import it.

Merge step: on the branch that added it, ``src/pytest_oauthcc/client.py`` still shadows the
``client/`` folder, so the module is loaded from its file; once the re-layering makes
``pytest_oauthcc.client`` a package, the first import succeeds and the fallback is dead -
replace this module's body by that import.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType


def _load() -> ModuleType:
    try:
        from pytest_oauthcc.client import assertion  # type: ignore[attr-defined]
    except ImportError:
        import pytest_oauthcc

        name = "pytest_oauthcc.client.assertion"
        path = Path(pytest_oauthcc.__file__).parent / "client" / "assertion.py"
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        return module
    return assertion  # type: ignore[no-any-return]


assertion = _load()
AssertionSigner = assertion.AssertionSigner
CLIENT_ASSERTION_TYPE = assertion.CLIENT_ASSERTION_TYPE
private_key_signer = assertion.private_key_signer
secret_signer = assertion.secret_signer
