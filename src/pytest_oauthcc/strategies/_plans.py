"""``fault_plans()``: every bad day a provider can give a client, as a finite plan.

Plans are built segment by segment: a fetch meets a run of transient answers and then an
"ok" one, so "eventually succeeds within N attempts" is true by construction (each run
shorter than N, no terminal answer) or false by construction (a terminal answer, or a run of
N transient ones, before the first token; with ``None``, possibly after some good fetches).
Everything shrinks towards the empty plan, and a failing plan towards a single 400 answer.

Layering: imports Hypothesis, PyYAML and what :mod:`mock_provider` exports; never the plugin
(the connection format only inside runnable examples).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.strategies import SearchStrategy

from mock_provider import QUIRK_NAMES

from ._plan import FaultPlan, PlannedAnswer, ProviderEvent
from ._quirk_values import draw_quirks
from ._validation import check_choices, check_size, check_type

__all__ = ["BEHAVIOURS", "fault_plans"]

BEHAVIOURS = (
    "status",
    "oauth_error",
    "malformed",
    "drop",
    "delay",
    "quirks",
    "revoke",
    "expire",
    "advance",
)
_ANSWER_KINDS = ("status", "oauth_error", "malformed", "drop")
# A client can only read these with configuration it cannot guess (a token_path), so they
# are left out of plans that promise success.
_NEEDS_CONFIGURATION = ("nest_under",)
_RETRY_AFTER = st.integers(0, 5)


def _transient(kind: str) -> SearchStrategy[dict[str, Any]]:
    # RFC 6749 §4.1.2.1 temporarily_unavailable / server_error, 429 with Retry-After
    # (RFC 6585 §4), gateway pages: what a retry can fix.
    if kind == "status":
        return st.one_of(
            st.sampled_from(({"status": 503}, {"status": 500}, {"status": 502}, {"status": 504})),
            st.builds(lambda s: {"status": 429, "retry_after": s}, _RETRY_AFTER),
            st.builds(lambda s: {"status": 503, "retry_after": s}, _RETRY_AFTER),
        )
    if kind == "oauth_error":
        return st.sampled_from(
            (
                {"error": "temporarily_unavailable"},
                {"error": "server_error"},
                {"malformed": "error_in_200", "error": "temporarily_unavailable"},
            )
        )
    if kind == "malformed":
        return st.sampled_from(
            (
                {"status": 502, "malformed": "html"},
                {"status": 503, "malformed": "empty"},
                {"status": 504, "malformed": "truncated_json"},
            )
        )
    return st.just({"drop": True})


def _terminal(kind: str) -> SearchStrategy[dict[str, Any]] | None:
    # RFC 6749 §5.2 errors about the client or request, and 200s that carry no token.
    if kind == "oauth_error":
        return st.sampled_from(
            (
                {"error": "invalid_client"},
                {"error": "invalid_scope"},
                {"error": "unauthorized_client"},
                {"error": "invalid_request"},
            )
        )
    if kind == "status":
        return st.sampled_from(({"status": 400}, {"status": 401}, {"status": 403}))
    if kind == "malformed":
        return st.sampled_from(
            (
                {"malformed": "html"},
                {"malformed": "invalid_json"},
                {"malformed": "truncated_json"},
                {"malformed": "empty"},
                {"malformed": "error_in_200"},
            )
        )
    return None


def fault_plans(
    *,
    eventually_succeeds: bool | None = None,
    max_attempts: int = 4,
    behaviours: Iterable[str] | None = None,
    quirks: bool | Iterable[str] = True,
    max_events: int = 3,
    max_delay: float = 0.002,
) -> SearchStrategy[FaultPlan]:
    """Finite plans of provider behaviour: token endpoint failures, quirks and events.

    Put one on a provider with ``plan.apply(provider)`` (answers + quirks) or play it all
    with ``plan.run(provider, call)``; see :class:`FaultPlan`.

    Args:
        eventually_succeeds: ``True``: every fetch of a client retrying transient failures
            up to ``max_attempts`` times gets a token (and no quirk needs client
            configuration); ``False``: the first fetch cannot get one (a terminal answer,
            or ``max_attempts`` transient ones); ``None``: either, including plans where a
            later renewal is the fetch that fails.
        max_attempts: the client's retry budget in token requests per fetch (1-10).
            Retry-After values are at most 5 seconds, backoff is the client's own.
        behaviours: which of :data:`BEHAVIOURS` to use (default: all). ``drop`` makes
            the token request fail with a network error, which an ``httpx.Auth`` flow cannot
            retry; leave it out when the client fetches tokens inside ``auth=``.
        quirks: ``True`` for any quirks of :mod:`mock_provider.quirks`, ``False`` for none,
            or the quirk names to choose from.
        max_events: the most provider events (revoke, expire, advance) between calls.
        max_delay: the longest real delay of a slow "ok" answer, in seconds (keep it tiny:
            advance the clock for long waits).

    Raises:
        InvalidArgument: for a bad value, or ``eventually_succeeds=False`` with no
            behaviour that can fail.

    Example::

        from hypothesis import given
        from pytest_oauthcc.strategies import fault_plans

        @given(fault_plans(eventually_succeeds=True, max_attempts=3))
        def test_plans_that_succeed_say_so(plan):
            assert plan.eventually_succeeds
            assert plan.succeeds_within in (1, 2, 3)
    """
    if eventually_succeeds is not None:
        check_type(bool, eventually_succeeds, "eventually_succeeds")
    check_size(max_attempts, "max_attempts", low=1, high=10)
    check_size(max_events, "max_events", low=0, high=20)
    check_type((int, float), max_delay, "max_delay")
    if not 0 <= max_delay <= 1:
        raise InvalidArgument(f"Expected 0 <= max_delay <= 1 (seconds) but got {max_delay=!r}")
    kinds = (
        BEHAVIOURS
        if behaviours is None
        else check_choices(behaviours, "behaviours", BEHAVIOURS, what="behaviour names")
    )
    quirk_names = _plan_quirks(quirks, "quirks" in kinds, eventually_succeeds)
    answer_kinds = [k for k in _ANSWER_KINDS if k in kinds]
    failing = [k for k in answer_kinds if k != "drop"] + (["drop"] if "drop" in kinds else [])
    if eventually_succeeds is False and not failing:
        raise InvalidArgument(
            f"eventually_succeeds=False needs a behaviour that fails a fetch, one of "
            f"{', '.join(_ANSWER_KINDS)}, but got behaviours={list(kinds)!r}"
        )
    transient = st.one_of([_transient(k) for k in answer_kinds]) if answer_kinds else None
    terminals = [t for t in (_terminal(k) for k in answer_kinds) if t is not None]
    ok = (
        st.one_of(
            st.just({}), st.builds(lambda d: {"delay": d}, st.sampled_from((0.001, max_delay)))
        )
        if "delay" in kinds and max_delay > 0
        else st.just({})
    )
    event_kinds: list[str] = [k for k in ("revoke", "expire", "advance") if k in kinds]
    events = _events(event_kinds, max_events)
    # An announced lifetime of 0 next to expires_at says the token is dead on arrival, which
    # no client can use: plans that promise success announce at least a second.
    picked_quirks = _quirks(
        quirk_names, {"claimed_expires_in": st.integers(1, 86_400)} if eventually_succeeds else {}
    )

    def segment(limit: int) -> SearchStrategy[list[PlannedAnswer]]:
        runs = (
            st.lists(transient.map(lambda o: PlannedAnswer(o, "transient")), max_size=limit)
            if transient is not None and limit > 0
            else st.just([])
        )
        return st.tuples(runs, ok.map(lambda o: PlannedAnswer(o, "ok"))).map(
            lambda pair: [*pair[0], pair[1]]
        )

    good = st.lists(segment(max_attempts - 1), max_size=3).map(
        lambda segments: [a for s in segments for a in s]
    )
    tail: list[SearchStrategy[list[PlannedAnswer]]] = []
    if terminals:
        tail.append(
            st.tuples(
                st.lists(
                    transient.map(lambda o: PlannedAnswer(o, "transient")),
                    max_size=max_attempts - 1,
                )
                if transient is not None
                else st.just([]),
                st.one_of(terminals).map(lambda o: PlannedAnswer(o, "terminal")),
            ).map(lambda pair: [*pair[0], pair[1]])
        )
    if transient is not None:
        tail.append(
            st.lists(
                transient.map(lambda o: PlannedAnswer(o, "transient")),
                min_size=max_attempts,
                max_size=max_attempts,
            )
        )
    first_fails = st.one_of(tail) if tail else None
    if eventually_succeeds is True or first_fails is None:
        answers = good
    elif eventually_succeeds is False:
        answers = first_fails
    else:
        # Some good fetches first, so a later renewal is the one that fails.
        later = st.tuples(st.lists(segment(max_attempts - 1), max_size=2), first_fails).map(
            lambda pair: [a for s in pair[0] for a in s] + pair[1]
        )
        answers = st.one_of(good, later)
    return st.builds(
        lambda a, q, e: FaultPlan(tuple(a), q, tuple(e), max_attempts),
        answers,
        picked_quirks,
        events,
    )


def _plan_quirks(
    quirks: bool | Iterable[str], enabled: bool, eventually_succeeds: bool | None
) -> tuple[str, ...]:
    if quirks is False or not enabled:
        return ()
    allowed = tuple(
        n for n in QUIRK_NAMES if not (eventually_succeeds and n in _NEEDS_CONFIGURATION)
    )
    if quirks is True:
        return allowed
    return check_choices(quirks, "quirks", allowed, what="quirk names")


def _quirks(
    names: tuple[str, ...], values: dict[str, SearchStrategy[Any]]
) -> SearchStrategy[dict[str, Any]]:
    if not names:
        return st.just({})

    @st.composite
    def build(draw: st.DrawFn) -> dict[str, Any]:
        return draw_quirks(draw, names, at_least_one=False, values=values)

    return build()


def _events(kinds: list[str], max_events: int) -> SearchStrategy[list[ProviderEvent]]:
    if not kinds or max_events == 0:
        return st.just([])
    # The interesting clock moves: just before and after a one-hour token's renewal
    # window (60 s) and expiry, then anything up to a day.
    seconds = st.one_of(
        st.sampled_from((1, 3539, 3541, 3599, 3600, 3601, 7200)), st.integers(0, 86_400)
    )
    choices = {
        "revoke": st.just(ProviderEvent("revoke")),
        "expire": st.just(ProviderEvent("expire")),
        "advance": st.builds(ProviderEvent, st.just("advance"), seconds),
    }
    one = st.one_of([choices[kind] for kind in kinds])
    return st.lists(one, max_size=max_events)
