"""A provider's scripted state, captured and restored (what ``POST /_mock/reset`` does).

Captured when the control API is enabled, which ``oauthcc serve`` does after loading its
scenario, so a reset brings back the scenario's clients, quirks and fault script.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .faults import Fault
from .quirks import Quirks

if TYPE_CHECKING:
    from .provider import MockProvider, RegisteredClient

__all__ = ["ProviderState"]


@dataclass(frozen=True)
class ProviderState:
    """Clients, quirks and queued faults of a provider at one moment (secrets stay in the
    client records, which never show them in ``repr``)."""

    clients: dict[str, RegisteredClient] = field(default_factory=dict, repr=False)
    quirks: Quirks = field(default_factory=Quirks)
    client_quirks: dict[str, Quirks] = field(default_factory=dict)
    faults: tuple[Fault, ...] = ()

    @classmethod
    def capture(cls, provider: MockProvider) -> ProviderState:
        """The state of ``provider`` now; faults are copied as not yet fired."""
        return cls(
            clients=dict(provider.clients),
            quirks=provider.quirks,
            client_quirks=provider.client_quirks,
            faults=tuple(f.fresh() for f in provider.faults.pending),
        )

    def restore(self, provider: MockProvider) -> None:
        """Put ``provider`` back in this state: tokens and recorded requests are dropped,
        clients, quirks and faults replaced. The clock is left alone (it only moves on)."""
        provider.reset()
        with provider._lock:
            provider._clients = dict(self.clients)
            provider._quirks = self.quirks
            provider._client_quirks = dict(self.client_quirks)
        provider.clear_faults()
        for fault in self.faults:
            provider.faults.add(fault.fresh())
