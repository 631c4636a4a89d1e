"""The request log records the raw exchange and builds its redacted record when read.

What any reading surface shows must be exactly what eager recording showed: the facts as they
were when the request arrived, every secret redacted, long values truncated, and no raw
exchange ever visible (the log holds them privately until it is read).
"""

from __future__ import annotations

import base64
import gc

import httpx
from hypothesis import given
from hypothesis import strategies as st

from mock_provider import MockProvider
from mock_provider.state.exchange import Exchange
from mock_provider.state.log import MAX_VALUE, RecordedRequest, RequestLog
from mock_provider.state.recorded import select

SECRET = "lazy-s3cret-value"
BASIC = "Basic " + base64.b64encode(f"lazy:{SECRET}".encode()).decode()


FIELDS = (
    *("time", "endpoint", "method", "path", "status", "query", "headers", "form"),
    *("client_id", "auth_method", "token", "error", "fault", "token_headers", "token_params"),
)


def _exchange(**changes: object) -> Exchange:
    fields: dict[str, object] = {
        "time": 5.0,
        "endpoint": "token",
        "method": "POST",
        "path": "/oauth/token",
        "status": 200,
        "query": "",
        "headers": (("authorization", BASIC), ("x-trace", "t-1")),
        "form": (("grant_type", "client_credentials"), ("client_secret", SECRET)),
        "client_id": "lazy",
        "auth_method": "client_secret_basic",
        "token": None,
        "error": None,
        "fault": None,
        "token_headers": (),
        "token_params": (),
    }
    fields.update(changes)
    return tuple(fields[name] for name in FIELDS)  # type: ignore[return-value]


def test_a_recorded_exchange_reads_back_redacted() -> None:
    log = RequestLog()
    log.append_exchange(_exchange())
    (entry,) = log.entries
    assert isinstance(entry, RecordedRequest)
    assert entry.headers == {"authorization": "Basic <redacted>", "x-trace": "t-1"}
    assert entry.form == {"grant_type": "client_credentials", "client_secret": "<redacted>"}
    assert (entry.time, entry.endpoint, entry.status, entry.client_id) == (
        5.0,
        "token",
        200,
        "lazy",
    )
    assert log.entries == [entry]  # built once, then kept


def test_no_reading_surface_shows_a_raw_exchange() -> None:
    log = RequestLog()
    log.append_exchange(_exchange())
    assert SECRET not in repr(log)
    assert SECRET not in repr(log.entries)
    assert SECRET not in str(log.entries[0])
    assert SECRET not in repr(log.find(endpoint="token"))
    assert SECRET not in str(log.entries[0].to_json())


def test_a_large_exchange_is_recorded_at_once_so_memory_stays_bounded() -> None:
    log = RequestLog()
    log.append_exchange(_exchange(headers=(("x-long", "v" * 60_000),)))
    log.append_exchange(_exchange())
    # Read without building anything: the large one is already its truncated record, the
    # small one still raw.
    kept = list(log._entries)
    assert isinstance(kept[0], RecordedRequest)
    assert type(kept[1]) is tuple
    assert kept[0].headers["x-long"] == "v" * MAX_VALUE + f"…[truncated {60_000 - MAX_VALUE} chars]"
    assert [type(e) for e in log.entries] == [RecordedRequest, RecordedRequest]


def test_raw_exchanges_count_towards_the_bound_and_the_dropped() -> None:
    log = RequestLog(max_requests=3)
    for index in range(5):
        log.append_exchange(_exchange(time=float(index)))
    assert log.dropped == 2
    log.max_requests = 2
    assert [e.time for e in log.entries] == [3.0, 4.0]
    assert log.dropped == 3
    assert log.clear() == 2
    assert log.entries == []


def test_the_record_keeps_the_token_placements_of_the_moment_it_arrived() -> None:
    provider = MockProvider()
    with httpx.Client(transport=provider.transport(), base_url=provider.url) as http:
        http.get("/api/me", headers={"X-Key": "not-a-token-yet"})
    # A resource taking its token in X-Key from now on: the earlier request was recorded
    # when X-Key was an ordinary header, and the log shows it so.
    provider.add_resource("keyed", "/api/keyed", token_header="X-Key", token_prefix="")
    with httpx.Client(transport=provider.transport(), base_url=provider.url) as http:
        http.get("/api/keyed", headers={"X-Key": "a-token-now"})
    before, after = provider.requests
    assert before.headers["x-key"] == "not-a-token-yet"
    assert after.headers["x-key"].startswith("fp:")


def test_a_raw_exchange_keeps_no_object_of_the_request() -> None:
    # A tuple of strings, numbers and tuples of them: the collector stops tracking it once
    # it has seen it, so a long log of raw exchanges costs no collector time.
    provider = MockProvider()
    provider.add_client("lazy", SECRET)
    with httpx.Client(transport=provider.transport(), base_url=provider.url) as http:
        http.post("/oauth/token", data={"grant_type": "client_credentials"}, auth=("lazy", SECRET))
    (kept,) = provider.core.request_log._entries
    assert type(kept) is tuple
    assert len(kept) == len(FIELDS)
    for _ in range(3):  # each pass untracks one more level: pairs, their tuple, the exchange
        gc.collect()
    assert not gc.is_tracked(kept)
    assert dict(zip(FIELDS, kept, strict=True))["form"] == (("grant_type", "client_credentials"),)


_VARIANTS = (
    {},
    {"endpoint": None, "status": 404, "error": None, "client_id": None, "auth_method": None},
    {"status": 401, "error": "invalid_client", "client_id": "other"},
    {"status": 500, "error": "server_error"},
    {"status": 500, "error": "server_error", "fault": 1},
    {"method": "GET", "endpoint": "jwks", "path": "/jwks.json", "form": None},
    {"headers": (("x-long", "v" * (5 * MAX_VALUE)),)},  # recorded at once
)
_FILTERS = (
    {"endpoint": None},
    {"status": 500, "error": "server_error"},
    {"client_id": "other"},
    {"endpoint": "token", "method": "POST"},
    {"auth_method": "client_secret_basic", "scope": "read"},
    {"status": 200, "token": "never-issued"},
)


@given(
    st.lists(st.sampled_from(range(len(_VARIANTS))), max_size=12),
    st.lists(st.sampled_from(range(len(_FILTERS))), min_size=1, max_size=4),
)
def test_find_answers_as_a_filter_over_every_record(
    variants: list[int], filter_picks: list[int]
) -> None:
    # find() settles only the exchanges its filters can match; what it returns, and what
    # the log shows afterwards, is what filtering the fully recorded log returns.
    lazy, eager = RequestLog(), RequestLog()
    for index, pick in enumerate(variants):
        exchange = _exchange(time=float(index), **_VARIANTS[pick])
        lazy.append_exchange(exchange)
        eager.append_exchange(exchange)
    everything = eager.entries
    for pick in filter_picks:
        assert lazy.find(**_FILTERS[pick]) == select(everything, **_FILTERS[pick])
    assert lazy.entries == everything


def test_the_check_after_a_test_builds_no_record_when_nothing_is_wrong() -> None:
    log = RequestLog()
    log.append_exchange(_exchange())
    assert log.find(endpoint=None) == []
    assert log.find(status=500, error="server_error") == []
    assert sum(type(entry) is tuple for entry in log._entries) == 1  # still raw
    assert [entry.endpoint for entry in log.find(endpoint="token")] == ["token"]
    assert sum(type(entry) is tuple for entry in log._entries) == 0
