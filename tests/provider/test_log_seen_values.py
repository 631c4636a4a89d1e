"""The request log remembers every endpoint name and status it recorded since the last clear,
so a question about one it never saw is answered without reading an entry.

The answer must be exactly what reading every record answers (:func:`select` over
``entries``), whatever was appended, dropped from the ring or cleared.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mock_provider.state.log import RequestLog
from mock_provider.state.recorded import RecordedRequest, select

from .test_lazy_log import _exchange

ENDPOINTS = st.sampled_from([None, "token", "revoke", "me"])
STATUSES = st.sampled_from([200, 400, 401, 404, 500])
ERRORS = st.sampled_from([None, "server_error", "invalid_client"])

# One step: append an exchange (raw), append a record, clear, or read (settling every entry).
STEPS = st.one_of(
    st.tuples(st.just("exchange"), ENDPOINTS, STATUSES, ERRORS),
    st.tuples(st.just("record"), ENDPOINTS, STATUSES, ERRORS),
    st.tuples(st.just("clear")),
    st.tuples(st.just("read")),
)
FILTERS = st.one_of(
    st.fixed_dictionaries({"endpoint": ENDPOINTS}),
    st.fixed_dictionaries({"status": STATUSES}),
    st.fixed_dictionaries({"status": STATUSES, "error": ERRORS}),
    st.fixed_dictionaries({"endpoint": ENDPOINTS, "method": st.just("POST")}),
)


def _record(endpoint: str | None, status: int, error: str | None) -> RecordedRequest:
    return RecordedRequest(
        time=1.0, endpoint=endpoint, method="POST", path="/p", status=status, error=error
    )


def _run(log: RequestLog, steps: list[tuple[Any, ...]]) -> None:
    for step in steps:
        if step[0] == "exchange":
            log.append_exchange(_exchange(endpoint=step[1], status=step[2], error=step[3]))
        elif step[0] == "record":
            log.append(_record(*step[1:]))
        elif step[0] == "clear":
            log.clear()
        else:
            log.entries  # noqa: B018 - reading settles every raw exchange


@given(steps=st.lists(STEPS, max_size=12), filters=FILTERS, bound=st.integers(1, 4))
def test_find_answers_as_every_record_does(
    steps: list[tuple[Any, ...]], filters: dict[str, Any], bound: int
) -> None:
    log, reference = RequestLog(max_requests=bound), RequestLog(max_requests=bound)
    _run(log, steps)
    _run(reference, steps)
    assert log.find(**filters) == select(reference.entries, **filters)


def test_the_values_seen_are_those_appended_since_the_last_clear() -> None:
    log = RequestLog(max_requests=1)
    log.append_exchange(_exchange(endpoint=None, status=404))
    log.append(_record("token", 500, "server_error"))
    assert log.endpoints_seen == {None, "token"}
    assert log.statuses_seen == {404, 500}
    # The ring dropped the 404: it is still "seen", so find() reads the entries and is exact.
    assert log.find(endpoint=None) == []
    log.clear()
    assert log.endpoints_seen == set()
    assert log.statuses_seen == set()


def test_a_value_never_seen_reads_no_entry() -> None:
    log = RequestLog()
    log.append_exchange(_exchange(endpoint="token", status=200))
    assert log.find(endpoint=None) == []
    assert log.find(status=500, error="server_error") == []
    assert log._raw == 1  # the exchange was not turned into its record


def test_an_unknown_filter_is_refused_even_for_a_value_never_seen() -> None:
    log = RequestLog()
    with pytest.raises(TypeError, match="unknown request filter"):
        log.find(status=599, colour="red")


def test_an_unhashable_filter_value_is_compared_as_select_does() -> None:
    log = RequestLog()
    log.append_exchange(_exchange(status=200))
    assert log.find(status=[200]) == []
