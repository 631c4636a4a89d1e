from __future__ import annotations

# An in-process pytester run forgets the modules first imported during it, and the next run
# imports them again; C extensions (cryptography's Rust bindings, PyYAML's loader) keep the
# first import's classes, so isinstance checks then fail. Importing what the plugin loads
# lazily here keeps one copy of each for every run.
import joserfc.errors
import joserfc.jwk
import joserfc.jwt
import pytest
import time_machine
import yaml

import pytest_oauthcc.client
import pytest_oauthcc.plugin.collect
import pytest_oauthcc.plugin.providers
import pytest_oauthcc.plugin.report

# The inner runs follow the project's own rules: warnings are errors, markers are strict, and
# nothing is cached between runs (the cache would leak state between tests and workers).
INI = """\
[pytest]
filterwarnings = error
addopts = --strict-markers -p no:cacheprovider
"""

PRELOADED = (
    joserfc.errors,
    joserfc.jwk,
    joserfc.jwt,
    time_machine,
    yaml,
    pytest_oauthcc.plugin.providers,
    pytest_oauthcc.client,
    pytest_oauthcc.plugin.collect,
    pytest_oauthcc.plugin.report,
)


@pytest.fixture
def pytester(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makeini(INI)
    return pytester
