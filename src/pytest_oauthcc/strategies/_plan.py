"""``FaultPlan``: a finite script of provider behaviour, and how it plays on a provider.

A plan has three parts. *Answers* are the token endpoint's next answers in order, each queued
as a one-shot fault (a pass-through "ok" answer is a fault that changes nothing, so "503,
503, ok, 429" is expressible); after the last one the endpoint answers normally. *Quirks*
bend every token response. *Events* happen on the provider between the client's calls:
revoke every token, expire every token now (early expiry), or advance the clock.

Layering: imports Hypothesis, PyYAML and what :mod:`mock_provider` exports; never the plugin
(the connection format only inside runnable examples).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from mock_provider import MockProvider

__all__ = ["OUTCOMES", "FaultPlan", "PlannedAnswer", "ProviderEvent"]

T = TypeVar("T")
OUTCOMES = ("ok", "transient", "terminal")
EVENTS = ("revoke", "expire", "advance")


@dataclass(frozen=True)
class PlannedAnswer:
    """One answer of the token endpoint.

    Attributes:
        options: the keyword arguments of :meth:`MockProvider.add_fault` that produce it.
        outcome: ``"ok"`` (a token), ``"transient"`` (a retry can help: 429, 5xx,
            ``temporarily_unavailable``, a dropped connection) or ``"terminal"`` (it cannot:
            ``invalid_client``, a garbled 200, ...).
    """

    options: Mapping[str, Any]
    outcome: str

    def apply(self, provider: MockProvider, *, client_id: str | None = None) -> None:
        """Queue this answer as a one-shot token endpoint fault on ``provider``."""
        provider.add_fault("token", times=1, client_id=client_id, **self.options)

    def __repr__(self) -> str:
        o = self.options
        if self.outcome == "ok":
            return f"ok after {o['delay']}s" if o.get("delay") else "ok"
        if o.get("drop"):
            return "dropped connection"
        parts = [str(o[k]) for k in ("status", "malformed", "error") if k in o]
        if "retry_after" in o:
            parts.append(f"Retry-After: {o['retry_after']}")
        return " ".join(parts)


@dataclass(frozen=True)
class ProviderEvent:
    """Something that happens on the provider between two calls of the client.

    Attributes:
        kind: ``"revoke"`` (every active token), ``"expire"`` (every active token dies
            now: early expiry) or ``"advance"`` (the provider clock moves ``seconds``).
        seconds: how far ``advance`` moves the clock.
    """

    kind: str
    seconds: float = 0.0

    def apply(self, provider: MockProvider, *, client_id: str | None = None) -> None:
        """Make it happen on ``provider`` (to ``client_id``'s tokens only, if given).

        Raises:
            TypeError: for ``advance`` on a provider whose clock cannot be advanced.
        """
        if self.kind == "advance":
            advance = getattr(provider.clock, "advance", None)
            if advance is None:
                raise TypeError(
                    f"{provider.clock!r} cannot be advanced; give the provider a ManualClock"
                )
            advance(self.seconds)
            return
        now = provider.clock.time()
        for token in provider.tokens:
            if token.is_active(now) and client_id in (None, token.client_id):
                if self.kind == "revoke":
                    provider.revoke(token.value)
                else:
                    provider.expire(token.value)

    def __repr__(self) -> str:
        if self.kind == "advance":
            return f"advance {self.seconds:g}s"
        return "revoke every token" if self.kind == "revoke" else "expire every token now"


@dataclass(frozen=True)
class FaultPlan:
    """A finite script of token endpoint answers, quirks and provider events.

    Attributes:
        answers: the token endpoint's next answers, in order (then it answers normally).
        quirks: :meth:`MockProvider.set_quirks` options in force for the whole plan.
        events: what happens on the provider before each call after the first.
        max_attempts: the retry budget the plan was made for: token requests one fetch may
            make, the first included (what ``RetryPolicy(max_attempts=...)`` means).
    """

    answers: tuple[PlannedAnswer, ...] = ()
    quirks: Mapping[str, Any] = field(default_factory=dict)
    events: tuple[ProviderEvent, ...] = ()
    max_attempts: int = 4

    @property
    def eventually_succeeds(self) -> bool:
        """Whether a client that retries transient failures up to ``max_attempts`` times per
        fetch gets a token on every fetch: no terminal answer, and no run of transient ones
        as long as the budget."""
        run = 0
        for answer in self.answers:
            if answer.outcome == "terminal":
                return False
            run = run + 1 if answer.outcome == "transient" else 0
            if run >= self.max_attempts:
                return False
        return True

    @property
    def succeeds_within(self) -> int | None:
        """Token requests the first fetch needs (1: the first succeeds), or ``None`` if a
        terminal answer or ``max_attempts`` transient ones come first."""
        for index, answer in enumerate(self.answers):
            if index >= self.max_attempts or answer.outcome == "terminal":
                return None
            if answer.outcome == "ok":
                return index + 1
        return len(self.answers) + 1 if len(self.answers) < self.max_attempts else None

    @property
    def max_token_requests(self) -> int:
        """The most token requests a sensible client makes when it runs the plan: one per
        failed answer, plus one token for the first call and one per event (which may kill
        or age the token)."""
        failed = sum(1 for a in self.answers if a.outcome != "ok")
        return failed + 1 + len(self.events)

    def apply(self, provider: MockProvider, *, client_id: str | None = None) -> None:
        """Put the plan's answers and quirks on ``provider`` (events are played by
        :meth:`run`, or by calling ``event.apply(provider)`` yourself).

        Faults and quirks already on the provider are cleared first, so one provider can
        be reused across Hypothesis examples.

        Args:
            provider: the provider (``oauth_provider`` fixture or a ``MockProvider``).
            client_id: script only this client's requests (default: every client's).
        """
        provider.clear_faults()
        provider.clear_quirks()
        if self.quirks:
            provider.set_quirks(client_id=client_id, **self.quirks)
        for answer in self.answers:
            answer.apply(provider, client_id=client_id)

    def run(
        self, provider: MockProvider, call: Callable[[], T], *, client_id: str | None = None
    ) -> list[T]:
        """Apply the plan, then ``call()`` once, and once more after each event.

        Answers the client never asked for are dropped at the end (a client that stopped
        fetching has not failed), so the ``oauth_provider`` fixture does not report them.
        Exceptions from ``call`` propagate.

        Returns:
            What each call returned, in order.
        """
        self.apply(provider, client_id=client_id)
        try:
            results = [call()]
            for event in self.events:
                event.apply(provider, client_id=client_id)
                results.append(call())
        finally:
            provider.clear_faults()
        return results

    def __repr__(self) -> str:
        quirks = ", ".join(f"{k}={v!r}" for k, v in self.quirks.items())
        return (
            f"FaultPlan(answers=[{', '.join(map(repr, self.answers))}], quirks={{{quirks}}}, "
            f"events=[{', '.join(map(repr, self.events))}], max_attempts={self.max_attempts})"
        )
