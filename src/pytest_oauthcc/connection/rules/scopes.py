"""Least privilege: the token asks for the scopes its calls need, and nothing all-powerful.

A config declares what its calls need (``test.scopes`` for the Test API, ``calls[].scopes``
for the others); the mock's Test API then requires exactly those. Requested scopes no
declared call needs **warn**: the file may not list every call the connection makes, but
each extra scope is a privilege a leaked token carries. Wildcard and all-powerful scopes
**fail** whatever is declared: no call needs every permission.

Layering: imports ``config/`` and the standard library only; never ``steps/``, httpx or the
plugin.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from pytest_oauthcc.connection.config.loading import KeyPath
from pytest_oauthcc.connection.config.model import ConnectionConfig

from .findings import Finding, at

__all__ = ["all_powerful", "scope_rules"]

# Scopes that grant everything (or everything of a kind), whole or as one word of a
# structured scope (``admin:org``, ``ZohoCRM.modules.ALL``, ``read:*``).
_ALL_POWERFUL_WORDS = frozenset({"*", "all", "admin", "fullaccess", "root", "superuser"})
_ALL_POWERFUL_NAMES = frozenset({"full_access", "full-access", "everything"})
_WORDS = re.compile(r"[:./_-]")


def all_powerful(scope: str) -> str | None:
    """Why ``scope`` is a wildcard or all-powerful scope, or ``None``."""
    if scope == "offline_access":
        # OpenID Connect Core §11: offline_access asks for a refresh token to act for a
        # signed-in user while they are away; a client-credentials grant has no user.
        return "asks for offline (refresh-token) access for a user; client credentials has none"
    lowered = scope.lower()
    if lowered in _ALL_POWERFUL_NAMES or "*" in scope:
        return "is a wildcard: it grants every permission"
    words = {w for w in _WORDS.split(lowered) if w}
    if words & _ALL_POWERFUL_WORDS:
        return "grants every permission of its kind"
    return None


def scope_rules(config: ConnectionConfig) -> Iterator[Finding]:
    """Findings about ``token.scopes`` against what the declared calls need."""
    requested = config.token.scopes
    for index, scope in enumerate(requested):
        why = all_powerful(scope)
        if why is not None:
            yield at(
                config,
                ("token", "scopes", index),
                "fail",
                f"{scope!r} {why}; request only the scopes the calls need (least privilege)",
            )
    needs: dict[str, tuple[KeyPath, tuple[str, ...]]] = {}
    if config.test.scopes:
        needs["the Test API"] = (("test", "scopes"), config.test.scopes)
    for index, (name, scopes) in enumerate(config.calls.items()):
        needs[f"call {name!r}"] = (("calls", index, "scopes"), scopes)
    for who, (key, scopes) in needs.items():
        missing = [s for s in scopes if s not in requested]
        if missing:
            yield at(
                config,
                key,
                "fail",
                f"{who} needs {' '.join(missing)}, which token.scopes does not request; "
                "add it to token.scopes",
            )
    if not needs:
        return
    needed = {s for _, scopes in needs.values() for s in scopes}
    for index, scope in enumerate(requested):
        if scope not in needed and all_powerful(scope) is None:
            yield at(
                config,
                ("token", "scopes", index),
                "warn",
                f"{scope!r} is requested but no declared call needs it (test.scopes, "
                "calls[].scopes); drop it, or declare the call that needs it",
            )
