"""Scripted failures and quirks: one definition per option drives every surface.

Layering: imports ``protocol`` only (``state`` builds on this package, never the reverse).
"""

from __future__ import annotations

from .fault import ENDPOINTS, FAULT_OPTIONS, MALFORMED, Fault, fault_problems
from .options import Option, Problem
from .queue import ConnectionDropped, FaultQueue, FaultResponse
from .quirks import EXPIRES_AT, EXPIRES_IN_AS, QUIRK_NAMES, QUIRK_OPTIONS, Quirks, validate_quirks
from .scripting import Scripting
from .shaping import shape_token_response

__all__ = [
    "ENDPOINTS",
    "EXPIRES_AT",
    "EXPIRES_IN_AS",
    "FAULT_OPTIONS",
    "MALFORMED",
    "QUIRK_NAMES",
    "QUIRK_OPTIONS",
    "ConnectionDropped",
    "Fault",
    "FaultQueue",
    "FaultResponse",
    "Option",
    "Problem",
    "Quirks",
    "Scripting",
    "fault_problems",
    "shape_token_response",
    "validate_quirks",
]
