"""Which hosts name only this machine: the one ``is_loopback`` of the project.

Used where plain http or an unauthenticated control API is acceptable only on loopback.

Layering: pure; imports only the standard library.
"""

from __future__ import annotations

import ipaddress

__all__ = ["is_loopback"]


def is_loopback(host: str) -> bool:
    """Whether ``host`` names only this machine.

    ``localhost`` and any ``*.localhost`` name (RFC 6761 §6.3: "Users are free to use
    localhost names as they would any other domain names" and they resolve to loopback),
    127.0.0.0/8 and ``::1``; brackets around an IPv6 literal are stripped and names are
    compared case-insensitively (RFC 4343).
    """
    name = host.strip().strip("[]").rstrip(".").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False
