"""The scripting a provider holds: its fault queue and its quirks, provider-wide and per client.

One part of the provider's core (:class:`mock_provider.state.core.ProviderCore` holds it);
it saves and restores its own state (:meth:`Scripting.snapshot` / :meth:`restore`), which
is what ``POST /_mock/reset`` brings back.

Layering: imports ``faults.fault``, ``faults.options``, ``faults.queue``, ``faults.quirks``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .fault import FAULT_OPTIONS, Fault
from .options import unknown_keywords
from .queue import FaultQueue
from .quirks import CONFORMANT, Quirks, validate_quirks

__all__ = ["Scripting", "ScriptingSnapshot"]


@dataclass(frozen=True)
class ScriptingSnapshot:
    """Quirks and queued faults at one moment (faults copied as not yet fired)."""

    quirks: Quirks = CONFORMANT
    client_quirks: dict[str, Quirks] = field(default_factory=dict)
    faults: tuple[Fault, ...] = ()


class Scripting:
    """Faults and quirks of one provider. Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.faults = FaultQueue()
        self._quirks = CONFORMANT
        self._client_quirks: dict[str, Quirks] = {}

    # -- faults ---------------------------------------------------------------------------

    def add_fault(self, endpoint: str, served: Iterable[str], **options: Any) -> Fault:
        """Queue a fault for ``endpoint`` (one of ``served``) and return it.

        Raises:
            TypeError: for an unknown option (a typo).
            ValueError: for an endpoint not served, an invalid value or combination.
        """
        unknown_keywords(options, FAULT_OPTIONS, call="add_fault")
        check_fault_endpoint(endpoint, served)
        if "delay" in options:
            options["delay"] = float(options["delay"])
        return self.faults.add(Fault(endpoint, **options))

    # -- quirks ---------------------------------------------------------------------------

    @property
    def quirks(self) -> Quirks:
        """The provider-wide token-response quirks."""
        return self._quirks

    @property
    def client_quirks(self) -> dict[str, Quirks]:
        """The per-client quirks, by client_id."""
        with self._lock:
            return dict(self._client_quirks)

    @property
    def has_client_quirks(self) -> bool:
        """Whether any client has quirks of its own (else the presented client is moot)."""
        return bool(self._client_quirks)

    def set_quirks(self, client_id: str | None = None, **quirks: Any) -> Quirks:
        """Switch quirks on, provider-wide or for one client; return those now in force.

        Raises:
            TypeError: for an unknown quirk name.
            ValueError: for an invalid value.
        """
        changes = validate_quirks(quirks)
        with self._lock:
            if client_id is None:
                self._quirks = self._quirks.merged(changes)
                return self._quirks
            current = self._client_quirks.get(client_id, Quirks())
            self._client_quirks[client_id] = current.merged(changes)
            return self._client_quirks[client_id]

    def clear_quirks(self, client_id: str | None = None) -> None:
        """Back to conformant responses: for one client, or everywhere (``None``)."""
        with self._lock:
            if client_id is not None:
                self._client_quirks.pop(client_id, None)
                return
            self._quirks = CONFORMANT
            self._client_quirks.clear()

    def quirks_for(self, client_id: str | None) -> Quirks:
        """The quirks in force for ``client_id``: its own on top of the provider-wide ones."""
        own = self._client_quirks.get(client_id) if client_id is not None else None
        if own is None:
            return self._quirks
        return self._quirks.overlay(own)

    # -- saved state ----------------------------------------------------------------------

    def snapshot(self) -> ScriptingSnapshot:
        """The quirks and queued faults now."""
        with self._lock:
            quirks, client_quirks = self._quirks, dict(self._client_quirks)
        return ScriptingSnapshot(
            quirks, client_quirks, tuple(f.fresh() for f in self.faults.pending)
        )

    def restore(self, saved: ScriptingSnapshot) -> None:
        """Back to ``saved``: its quirks, and its faults queued afresh (not yet fired)."""
        with self._lock:
            self._quirks = saved.quirks
            self._client_quirks = dict(saved.client_quirks)
        self.faults.clear()
        for fault in saved.faults:
            self.faults.add(fault.fresh())


def check_fault_endpoint(endpoint: str, served: Iterable[str]) -> None:
    """Refuse a fault for an endpoint not served (a typo would otherwise wait forever).

    Raises:
        ValueError: naming every endpoint a fault can target.
    """
    names = dict.fromkeys(served)
    if endpoint not in names:
        raise ValueError(f"no endpoint named {endpoint!r} to fault; endpoints: {', '.join(names)}")
