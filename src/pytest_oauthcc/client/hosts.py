"""Where a token may go: the ``allowed_hosts`` rules and RFC 6750 §5.3's TLS requirement.

Layering: imports httpx, :mod:`pytest_oauthcc.errors` and :mod:`mock_provider.protocol` only.
"""

from __future__ import annotations

from collections.abc import Iterable

import httpx

from mock_provider.protocol import is_loopback
from pytest_oauthcc.errors import ClientConfigurationError, DisallowedHostError

__all__ = ["HostRules", "check_destination"]


class HostRules:
    """Which hosts may receive the token: exact names and ``*.domain`` subdomain patterns.

    ``*.example.com`` matches ``api.example.com`` and ``a.b.example.com`` but not
    ``example.com`` itself: the bare domain needs its own entry.
    """

    def __init__(self, allowed_hosts: Iterable[str] | None) -> None:
        self.exact: frozenset[str] | None = None
        self.suffixes: tuple[str, ...] = ()
        if allowed_hosts is None:
            return
        if isinstance(allowed_hosts, str):
            raise ClientConfigurationError(
                f"allowed_hosts must be a list of host names, got the string {allowed_hosts!r}"
            )
        exact, suffixes = set(), []
        for entry in allowed_hosts:
            host = entry.strip().lower().rstrip(".")
            if not host or "/" in host or (":" in host and not host.startswith("[")):
                raise ClientConfigurationError(
                    f"allowed_hosts entry {entry!r} is not a host name; give bare names like "
                    "'api.example.com' or '*.example.com' (no scheme, port or path)"
                )
            host = host.strip("[]")  # httpx gives IPv6 hosts without their brackets
            if host.startswith("*."):
                suffixes.append(host[1:])
            elif "*" in host:
                raise ClientConfigurationError(
                    f"allowed_hosts entry {entry!r}: '*' is only allowed as a leading '*.' label"
                )
            else:
                exact.add(host)
        self.exact, self.suffixes = frozenset(exact), tuple(suffixes)

    def allows(self, host: str) -> bool:
        """Whether a request to ``host`` may carry the token."""
        if self.exact is None:
            return True
        host = host.lower().rstrip(".")
        return host in self.exact or any(
            host.endswith(suffix) and len(host) > len(suffix) for suffix in self.suffixes
        )

    def describe(self) -> str:
        """The allowed hosts, one per line, for error messages."""
        names = sorted(self.exact or ()) + sorted("*" + s for s in self.suffixes)
        return "\n".join(f"  {name}" for name in names) or "  (none)"


def check_destination(hosts: HostRules, url: httpx.URL, *, allow_insecure_http: bool) -> None:
    """Refuse to send the token to ``url`` unless ``hosts`` allow it, over TLS or loopback.

    Raises:
        DisallowedHostError: a host outside ``allowed_hosts``, or plain HTTP off loopback.
    """
    host = url.host
    if not hosts.allows(host):
        raise DisallowedHostError(
            f"refused to send the access token to {host!r}: it is not in allowed_hosts:\n"
            f"{hosts.describe()}\nAdd the host to allowed_hosts if it should get it.",
            host=host,
        )
    # RFC 6750 §5.3: "Clients MUST always use TLS (https) or equivalent transport
    # security when making requests with bearer tokens."
    if url.scheme != "https" and not allow_insecure_http and not is_loopback(host):
        raise DisallowedHostError(
            f"refused to send the access token over plain HTTP to {host!r} "
            "(RFC 6750 §5.3 requires TLS); use https:// or allow_insecure_http=True",
            host=host,
        )
