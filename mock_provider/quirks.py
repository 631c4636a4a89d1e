"""Old import path of the quirks; they live in :mod:`mock_provider.faults.quirks`.

Layering: re-exports only (public names kept at their old path)."""

from __future__ import annotations

from .faults.quirks import EXPIRES_AT, EXPIRES_IN_AS, QUIRK_NAMES, Quirks, validate_quirks
from .faults.shaping import shape_token_response

__all__ = [
    "EXPIRES_AT",
    "EXPIRES_IN_AS",
    "QUIRK_NAMES",
    "Quirks",
    "shape_token_response",
    "validate_quirks",
]
