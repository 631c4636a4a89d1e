"""The nine-step checker: a session (mock or live) behind a guarded transport, the token steps,
the API steps, and the run that strings them together.

Layering: imports ``config/``, ``rules/``, ``results``, the reference client
(:mod:`pytest_oauthcc.client`) and what :mod:`mock_provider` exports; never the plugin.
Imported only when a connection is checked (it pulls in httpx).
"""

from __future__ import annotations

from .guard import GuardedTransport, TranscriptEntry
from .run import run_steps

__all__ = ["GuardedTransport", "TranscriptEntry", "run_steps"]
