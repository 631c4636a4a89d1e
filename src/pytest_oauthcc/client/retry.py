"""Retrying transient token endpoint failures: exponential backoff, jitter, a budget.

Transient means 429, 5xx, ``temporarily_unavailable``, ``server_error`` or a network error.
Each retry waits ``base_delay * 2**n`` (capped at ``max_delay``) with "equal jitter" so a
fleet of clients does not retry in lock step, or exactly what ``Retry-After`` asked for
(RFC 9110 §10.2.3: seconds or an HTTP date), capped at ``max_retry_after``. The client gives
up when ``max_attempts`` requests were made or the next wait would overrun ``budget``.

Layering: part of the reference client: imports httpx, :mod:`pytest_oauthcc.errors`,
:mod:`mock_provider.protocol` and the client's lower modules only; never pytest, the plugin or
the connection format.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime

from pytest_oauthcc.errors import ClientConfigurationError

__all__ = ["RetryPolicy", "parse_retry_after"]


def parse_retry_after(value: str | None, *, wall_now: float) -> float | None:
    """Seconds to wait from a ``Retry-After`` header, or ``None`` if absent or unreadable.

    RFC 9110 §10.2.3: ``Retry-After = HTTP-date / delay-seconds``. A date in the past
    means "now" (0 seconds).
    """
    if value is None:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:  # RFC 9110 §5.6.7: HTTP-date is always GMT
        return None
    return max(0.0, moment.timestamp() - wall_now)


@dataclass(frozen=True)
class RetryPolicy:
    """How the client retries transient token endpoint failures.

    Args:
        max_attempts: token requests per fetch, the first included (1 disables retries).
        base_delay: the first backoff, in seconds; doubled each retry.
        max_delay: the cap on one backoff.
        budget: the most seconds of waiting one fetch may spend across its retries.
        max_retry_after: the longest ``Retry-After`` honoured by waiting; a longer one
            fails the fetch at once and no token request is made until it has passed.
        jitter: the fraction of each backoff that is randomised (0 disables jitter).
        random: a ``() -> float in [0, 1)`` source, injectable for tests.

    Raises:
        ClientConfigurationError: for a negative delay or fewer than one attempt.
    """

    max_attempts: int = 4
    base_delay: float = 0.5
    max_delay: float = 10.0
    budget: float = 30.0
    max_retry_after: float = 60.0
    jitter: float = 0.5
    random: Callable[[], float] = field(default=random.random, repr=False, compare=False)

    def __post_init__(self) -> None:
        if isinstance(self.max_attempts, bool) or self.max_attempts < 1:
            raise ClientConfigurationError(
                f"RetryPolicy.max_attempts must be >= 1 (1 disables retries), "
                f"got {self.max_attempts!r}"
            )
        for name in ("base_delay", "max_delay", "budget", "max_retry_after"):
            if not getattr(self, name) >= 0:
                raise ClientConfigurationError(
                    f"RetryPolicy.{name} must be a number of seconds >= 0, "
                    f"got {getattr(self, name)!r}"
                )
        if not 0 <= self.jitter <= 1:
            raise ClientConfigurationError(
                f"RetryPolicy.jitter must be between 0 and 1, got {self.jitter!r}"
            )

    def backoff(self, retry: int) -> float:
        """The wait before retry number ``retry`` (0-based) when the provider named none."""
        delay = min(self.max_delay, self.base_delay * (2.0**retry))
        return delay * (1 - self.jitter) + delay * self.jitter * float(self.random())

    def next_delay(
        self, *, attempts: int, waited: float, retry_after: float | None
    ) -> float | None:
        """The seconds to wait before the next attempt, or ``None`` to give up.

        Args:
            attempts: token requests made so far in this fetch.
            waited: seconds already spent waiting in this fetch.
            retry_after: what the provider asked for, if anything.
        """
        if attempts >= self.max_attempts:
            return None
        if retry_after is not None:
            if retry_after > self.max_retry_after:
                return None
            delay = retry_after
        else:
            delay = self.backoff(attempts - 1)
        return delay if waited + delay <= self.budget else None


NO_RETRY = RetryPolicy(max_attempts=1)
