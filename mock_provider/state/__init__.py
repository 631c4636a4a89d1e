"""The provider's state: settings, clock, clients, tokens, the request log, and the core
that holds them. Each owner saves and restores its own state.

Layering: imports ``protocol`` and ``faults``; never endpoints, app, control, transport or
the facade.
"""

from __future__ import annotations

from .clock import Clock, ManualClock, SystemClock
from .core import ControlSettings, CoreSnapshot, ProviderCore
from .log import RecordedRequest, RequestLog
from .records import IssuedToken, RegisteredClient, Resource
from .settings import DEFAULT_ISSUER, Settings

__all__ = [
    "DEFAULT_ISSUER",
    "Clock",
    "ControlSettings",
    "CoreSnapshot",
    "IssuedToken",
    "ManualClock",
    "ProviderCore",
    "RecordedRequest",
    "RegisteredClient",
    "RequestLog",
    "Resource",
    "Settings",
    "SystemClock",
]
