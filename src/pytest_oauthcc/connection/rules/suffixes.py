"""Wildcards over public suffixes: ``*.com``, ``*.co.uk``, ``*.github.io`` allow anyone's host.

A wildcard in ``allowed_domains`` is meant to cover one organisation's subdomains. Over a
public suffix — a name under which anyone may register a domain — it covers every domain
registered there, so a leaked token could be sent to any of them. The Public Suffix List
says which names those are; the ``publicsuffixlist`` package bundles it (a dated copy in
each release: nothing is downloaded at run time). Both sections count: the ICANN section
(``com``, ``co.uk``) and the private one (``github.io``, ``azurewebsites.net``), where
strangers' hosts also sit side by side.

The special-use names of RFC 2606 §2 and RFC 6761 §6 (``example``, ``test``, ``invalid``,
``localhost``) are not in the list; they name no one's hosts, and ``*.example`` in a config
is a copied placeholder, so they are refused too (as is any other name the list does not
know as a top-level domain). Their second-level example domains (``example.com``, RFC 2606
§3) are ordinary domains: ``*.example.com`` is allowed.

Layering: imports ``config/`` and the standard library (plus publicsuffixlist) only; never
``steps/``, httpx or the plugin.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from publicsuffixlist import PublicSuffixList

__all__ = ["RESERVED_TLDS", "public_suffix_problem"]

# RFC 2606 §2 and RFC 6761 §6.1-6.4: names reserved for tests, documentation and loopback.
RESERVED_TLDS = frozenset({"test", "example", "invalid", "localhost"})


@lru_cache(maxsize=1)
def _suffixes() -> PublicSuffixList:
    # Parsing the bundled list takes tens of milliseconds: only when a wildcard is met.
    from publicsuffixlist import PublicSuffixList

    return PublicSuffixList(accept_unknown=True)


def public_suffix_problem(entry: str) -> str | None:
    """Why the wildcard ``entry`` (``*.x``) covers hosts of strangers, or ``None``."""
    if not entry.startswith("*."):
        return None
    base = entry[2:].lower().rstrip(".")
    if base in RESERVED_TLDS:
        return (
            f"{entry!r} is a wildcard over {base!r}, a special-use name (RFC 2606 §2, RFC 6761 "
            "§6) with no real hosts; list the real host names"
        )
    if _suffixes().is_public(base):
        return (
            f"{entry!r} is a wildcard over the public suffix {base!r}, under which anyone can "
            "register a domain; list the exact hosts, or *.<your domain>"
        )
    return None
