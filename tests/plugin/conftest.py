from __future__ import annotations

# An in-process pytester run forgets the modules first imported during it, and the next run
# imports them again; cryptography's Rust bindings keep the first import's classes, so its
# isinstance checks then fail. Importing the JWT stack here keeps one copy for every run.
import joserfc.errors
import joserfc.jwk
import joserfc.jwt
import pytest

# The inner runs follow the project's own rules: warnings are errors, markers are strict, and
# nothing is cached between runs (the cache would leak state between tests and workers).
INI = """\
[pytest]
filterwarnings = error
addopts = --strict-markers -p no:cacheprovider
"""

PRELOADED = (joserfc.errors, joserfc.jwk, joserfc.jwt)


@pytest.fixture
def pytester(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makeini(INI)
    return pytester
