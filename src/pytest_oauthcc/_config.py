"""The reference client's settings: validating them, its clock type, and its counters."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import httpx

from ._token_request import AUTH_METHODS, BASIC
from .errors import ClientConfigurationError

__all__ = ["ON_401", "ClientStats", "SupportsTime", "check_credentials", "check_resources"]

ON_401 = ("invalid_token", "any", "never")


class SupportsTime(Protocol):
    """A clock: ``time()`` returns seconds (``mock_provider.ManualClock`` is one)."""

    def time(self) -> float:
        """Seconds, as a float (epoch seconds for a wall clock)."""
        ...


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


def check_credentials(client_id: str, secret: str, method: str, form_encode: bool) -> None:
    """Check the credentials and how they are sent.

    Raises:
        ClientConfigurationError: an empty id or secret, an unknown method, or a client id
            that raw HTTP Basic cannot carry.
    """
    if not isinstance(client_id, str) or not client_id:
        raise ClientConfigurationError("client_id must be a non-empty string")
    if not isinstance(secret, str) or not secret:
        raise ClientConfigurationError("client_secret must be a non-empty string")
    if method not in AUTH_METHODS:
        raise ClientConfigurationError(
            f"auth_method must be one of {', '.join(AUTH_METHODS)}, got {method!r}"
        )
    if method == BASIC and not form_encode and ":" in client_id:
        # RFC 7617 §2: "a user-id containing a colon character is invalid".
        raise ClientConfigurationError(
            "client_id contains ':', which raw HTTP Basic cannot carry (RFC 7617 §2); "
            "use basic_form_encode=True or auth_method='client_secret_post'"
        )


def check_resources(resource: str | Sequence[str] | None) -> tuple[str, ...]:
    """The RFC 8707 resource indicators as a tuple.

    Raises:
        ClientConfigurationError: a resource that is not an absolute URI without fragment.
    """
    resources = (
        () if resource is None else (resource,) if isinstance(resource, str) else tuple(resource)
    )
    for uri in resources:
        parsed = httpx.URL(uri)
        # RFC 8707 §2: "MUST be an absolute URI ... MUST NOT include a fragment component."
        if not parsed.scheme or parsed.fragment:
            raise ClientConfigurationError(
                f"resource {uri!r} must be an absolute URI without a fragment (RFC 8707 §2)"
            )
    return resources


def check_seconds(**values: float) -> None:
    """Check that each named value is a number of seconds >= 0.

    Raises:
        ClientConfigurationError: naming the first value that is not.
    """
    for name, value in values.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0:
            raise ClientConfigurationError(
                f"{name} must be a number of seconds >= 0, got {value!r}"
            )
