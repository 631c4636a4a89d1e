"""The plugin is imported by every pytest run in the environment, so it must stay cheap."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("httpx", "respx", "werkzeug", "hypothesis", "joserfc", "trustme", "yaml", "mock_provider")


def test_importing_the_plugin_imports_no_heavy_module():
    code = (
        "import sys, pytest; before = set(sys.modules); import pytest_oauthcc.plugin; "
        "print('\\n'.join(sorted(set(sys.modules) - before)))"
    )
    new = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    heavy = [name for name in new if name.split(".")[0] in HEAVY]
    assert heavy == []
    assert "pytest_oauthcc.plugin" in new
