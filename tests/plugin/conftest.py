from __future__ import annotations

import pytest

# The inner runs follow the project's own rules: warnings are errors, markers are strict, and
# nothing is cached between runs (the cache would leak state between tests and workers).
INI = """\
[pytest]
filterwarnings = error
addopts = --strict-markers -p no:cacheprovider
"""


@pytest.fixture
def pytester(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makeini(INI)
    return pytester
