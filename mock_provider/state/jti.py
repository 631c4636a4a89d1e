"""The provider's store of spent client-assertion ``jti`` values (RFC 7523 §3 item 7).

OpenID Connect Core §9: client assertions "MUST only be used once"; RFC 7523 §3 item 7 lets
the server keep a ``jti`` "for the length of time for which the JWT would be considered
valid". :class:`JtiStore` is the in-memory :class:`~mock_provider.protocol.rfc7523.
ReplayStore` every provider holds; the rule that consults it stays in
:func:`~mock_provider.protocol.rfc7523.verify_client_assertion`.

Layering: imports the standard library only; the core holds one per provider.
"""

from __future__ import annotations

import heapq
import math
import threading
from collections.abc import Callable

__all__ = ["JtiStore"]


class JtiStore:
    """A thread-safe in-memory replay store that forgets a jti once it has expired.

    Args:
        clock: the provider's clock (seconds since the epoch); never the wall clock, so a
            test that advances the provider also ages the store.
    """

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._spent: dict[tuple[str, str], float] = {}
        self._expiry: list[tuple[float, str, str]] = []

    def seen(self, client_id: str, jti: str, expires: float) -> bool:
        """Record ``jti`` for ``client_id`` until ``expires``; True if it was recorded before."""
        spent, expiry, key = self._spent, self._expiry, (client_id, jti)
        with self._lock:
            if expiry and expiry[0][0] < (now := self._clock()):
                self._forget(now)
            if key in spent:
                return True
            spent[key] = expires
            heapq.heappush(expiry, (expires, client_id, jti))
            return False

    def _forget(self, now: float) -> None:
        # RFC 7523 §3 item 7: a jti is kept only while its JWT would be valid (lock held).
        spent, expiry = self._spent, self._expiry
        while expiry and expiry[0][0] < now:
            _, old_client, old_jti = heapq.heappop(expiry)
            if spent.get((old_client, old_jti), math.inf) < now:
                del spent[(old_client, old_jti)]

    def clear(self) -> None:
        """Forget every spent jti (a provider reset)."""
        with self._lock:
            self._spent.clear()
            self._expiry.clear()

    def __len__(self) -> int:
        return len(self._spent)

    def __repr__(self) -> str:
        return f"JtiStore({len(self._spent)} spent)"
