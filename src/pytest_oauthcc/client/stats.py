"""The client's counters: thread-safe increments, and :class:`ClientStats` snapshots of them.

Layering: standard library only.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, fields

__all__ = ["ClientStats", "Counters"]


@dataclass(frozen=True)
class ClientStats:
    """A snapshot of a client's counters.

    Attributes:
        token_requests: token endpoint requests sent (retries included).
        cache_hits: requests served with a cached token.
        renewals: fetches that replaced a cached token that was due.
        retries: token requests repeated after a transient failure.
        retries_401: API requests repeated with a new token after a 401 (or other
            configured expiry signal).
    """

    token_requests: int = 0
    cache_hits: int = 0
    renewals: int = 0
    retries: int = 0
    retries_401: int = 0


class Counters:
    """The live counters behind ``ClientCredentials.stats``."""

    def __init__(self) -> None:
        self._counts = dict.fromkeys((f.name for f in fields(ClientStats)), 0)
        self._lock = threading.Lock()

    def count(self, name: str) -> None:
        """Add one to counter ``name`` (a :class:`ClientStats` field)."""
        with self._lock:
            self._counts[name] += 1

    def snapshot(self) -> ClientStats:
        """The counters as they are now."""
        with self._lock:
            return ClientStats(**self._counts)
