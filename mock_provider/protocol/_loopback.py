"""Whether a host names this machine only: the one definition (contract shim).

Layering: standard library only.
"""

from __future__ import annotations

import ipaddress

__all__ = ["is_loopback"]


def is_loopback(host: str) -> bool:
    """Whether ``host`` is ``localhost``, a ``*.localhost`` name or a loopback address.

    RFC 6761 §6.3: "The domain 'localhost.' and any names falling within '.localhost.'"
    resolve to loopback addresses. Addresses: 127.0.0.0/8 and ::1 (brackets stripped).
    """
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
