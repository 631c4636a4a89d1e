"""Old import path of the provider clocks; they live in :mod:`mock_provider.state.clock`.

Layering: re-exports only (a public name kept at its old path)."""

from __future__ import annotations

from .state.clock import Clock, ManualClock, SystemClock

__all__ = ["Clock", "ManualClock", "SystemClock"]
