from __future__ import annotations

import pytest

# pytester must be enabled in the rootdir conftest: pytest refuses pytest_plugins elsewhere.
pytest_plugins = ["pytester"]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
