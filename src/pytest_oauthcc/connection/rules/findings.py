"""A static rule's verdict, attributed to one of the nine steps and a config line.

Layering: imports ``config/``, :mod:`mock_provider.protocol` and the standard library only;
never ``steps/``, httpx or the plugin.
"""

from __future__ import annotations

from dataclasses import dataclass

from pytest_oauthcc.connection.config.loading import KeyPath, dotted
from pytest_oauthcc.connection.config.model import ConnectionConfig
from pytest_oauthcc.connection.config.schema import STEP_OF_KEY

__all__ = ["Finding", "at"]


@dataclass(frozen=True)
class Finding:
    """A rule's verdict about one step: ``fail`` or ``warn`` with a reason and a line."""

    step: str
    status: str
    reason: str
    line: int | None = None


def at(config: ConnectionConfig, key: KeyPath, status: str, reason: str) -> Finding:
    """A finding about ``key`` of ``config``, in the step that key belongs to."""
    step = STEP_OF_KEY.get(str(key[0]), "fields") if key else "fields"
    return Finding(step, status, f"{dotted(key)}: {reason}", config.document.line(key))
