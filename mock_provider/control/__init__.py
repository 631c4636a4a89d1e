"""The HTTP control API under ``/_mock/`` and its OpenAPI document.

Layering: imports ``protocol``, ``faults`` and ``state``; reached only through
:func:`mock_provider.app.handle`. Inside: dispatch -> routes -> openapi, never back.
"""

from __future__ import annotations

from .dispatch import handle_control
from .openapi import CONTROL_PREFIX, openapi_document
from .routes import ControlError

__all__ = ["CONTROL_PREFIX", "ControlError", "handle_control", "openapi_document"]
