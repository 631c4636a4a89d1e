from __future__ import annotations

# The process launcher of the serve tests (bounded reads, killed at teardown).
from tests.provider.test_serve_cli import start

__all__ = ["start"]
