"""Values for each token-response quirk of :mod:`mock_provider.quirks`.

The quirk names come from :data:`mock_provider.quirks.QUIRK_NAMES`, never from a copy, so
a quirk added to the provider shows up here: a boolean quirk needs nothing, any other needs
an entry in ``_VALUES`` (a test fails until it has one). Quirks split in two: those that
shape one answer (``token_responses``), and those that only mean something across requests
or about the request (``fault_plans``).

Layering: imports Hypothesis, PyYAML and what :mod:`mock_provider` exports; never the plugin
(the connection format only inside runnable examples).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from mock_provider import EXPIRES_AT, EXPIRES_IN_AS, QUIRK_NAMES, Quirks

from ._credentials import scope_sets

__all__ = [
    "BEHAVIOUR_QUIRKS",
    "RESPONSE_QUIRKS",
    "draw_quirks",
    "quirk_value",
    "unsupported_quirks",
]

# Meaningful only relative to the request or to other tokens, not in one answer.
BEHAVIOUR_QUIRKS = ("claimed_expires_in", "narrow_scope", "sticky_token", "reject_request_charset")
RESPONSE_QUIRKS = tuple(name for name in QUIRK_NAMES if name not in BEHAVIOUR_QUIRKS)

# Members real providers add next to the §5.1 ones (Azure AD, Keycloak), never a §5.1 name.
_EXTRA_MEMBERS = ("ext_expires_in", "refresh_expires_in", "not-before-policy", "session_state")

_VALUES: dict[str, SearchStrategy[Any]] = {
    "expires_in_as": st.sampled_from(EXPIRES_IN_AS),
    "expires_at": st.sampled_from(EXPIRES_AT),
    # Only spellings of Bearer (§5.1: case-insensitive) and its absence: another type is
    # a token the client must refuse (§7.1), which is oauth_errors' business, not a quirk.
    "token_type": st.sampled_from(("bearer", "BEARER", "missing")),
    "nest_under": st.sampled_from(("data", "result")),
    "extra_fields": st.dictionaries(
        st.sampled_from(_EXTRA_MEMBERS),
        st.one_of(st.integers(0, 86_400), st.sampled_from(("", "x", "0"))),
        min_size=1,
        max_size=2,
    ),
    "claimed_expires_in": st.integers(0, 86_400),
    "narrow_scope": scope_sets(max_size=2),
}


def _is_flag(name: str) -> bool:
    default = next(f.default for f in dataclasses.fields(Quirks) if f.name == name)
    return default is False


def unsupported_quirks() -> list[str]:
    """Quirk names of the provider this module has no value strategy for (should be none)."""
    return [n for n in QUIRK_NAMES if n not in _VALUES and not _is_flag(n)]


def quirk_value(name: str) -> SearchStrategy[Any]:
    """The values quirk ``name`` takes (``True`` for an on/off quirk)."""
    if name in _VALUES:
        return _VALUES[name]
    return st.just(True)


# One in four: several quirks at once is realistic, all of them at once hides which one hurt.
_SWITCHED_ON = st.integers(0, 3).map(lambda n: n == 3)


def draw_quirks(
    draw: st.DrawFn,
    names: tuple[str, ...],
    *,
    at_least_one: bool,
    values: Mapping[str, SearchStrategy[Any]] | None = None,
) -> dict[str, Any]:
    """Draw quirk options among ``names``: each switched on independently (so each shrinks
    away on its own), or exactly the first name when ``at_least_one`` and none was.
    ``values`` overrides the value strategy of some quirks."""
    picked = [name for name in names if draw(_SWITCHED_ON)]
    if not picked and at_least_one:
        picked = [draw(st.sampled_from(names))]
    chosen = values or {}
    return {name: draw(chosen[name] if name in chosen else quirk_value(name)) for name in picked}
