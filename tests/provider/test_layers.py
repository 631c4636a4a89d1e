"""The re-layered provider's single definitions: loopback, schema equality, the delay wait,
option problems as data, and the core's own snapshot/restore."""

from __future__ import annotations

import anyio
import pytest

from mock_provider import MockProvider, is_loopback, validate_schema
from mock_provider.faults import FaultQueue, fault_problems
from mock_provider.faults.quirks import quirk_problems


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("localhost", True),
        ("LOCALHOST", True),
        ("app.localhost", True),  # RFC 6761 §6.3
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("[::1]", True),
        ("::1", True),
        ("localhost.example.com", False),
        ("10.0.0.1", False),
        ("example.com", False),
    ],
)
def test_rfc6761_6_3_is_loopback(host: str, expected: bool) -> None:
    assert is_loopback(host) is expected


def test_validate_schema_compares_const_and_enum_as_json() -> None:
    assert validate_schema(True, {"const": 1}) == [((), "must be 1, got true")]
    assert validate_schema(1, {"enum": [True]}) == [((), "must be one of true; got 1")]
    assert validate_schema(1, {"const": 1}) == []
    assert validate_schema([True], {"const": [1]}) != []


def test_fault_problems_are_data() -> None:
    assert fault_problems({"endpoint": "token", "every": 0, "drop": True, "status": 500}) == [
        ("every", "every must be a whole number >= 1 or None, got 0"),
        ("drop", "drop=True sends no answer, so it takes no status, body or headers"),
    ]
    assert quirk_problems({"expires_at": "unix"}) == [
        ("expires_at", "expires_at must be one of epoch, epoch_ms, iso8601, got 'unix'")
    ]


def test_async_wait_is_cut_short_by_clear_without_polling() -> None:
    queue = FaultQueue()

    async def main() -> bool:
        with anyio.fail_after(10):
            return await cleared()

    async def cleared() -> bool:
        async with anyio.create_task_group() as group:
            outcome: list[bool] = []

            async def wait() -> None:
                outcome.append(await queue.wait_async(30))

            group.start_soon(wait)
            await anyio.wait_all_tasks_blocked()
            queue.clear()
        return outcome[0]

    assert anyio.run(main) is True


def test_restore_puts_back_what_snapshot_saved() -> None:
    provider = MockProvider()
    provider.add_client("app", "app-secret")
    provider.set_quirks(token_type="bearer")
    provider.add_fault("token", status=503)
    saved = provider.core.snapshot()
    provider.add_client("other", "other-secret")
    provider.clear_quirks()
    provider.clear_faults()
    provider.issue_token("app")
    provider.core.restore(saved)
    assert sorted(provider.clients) == ["app"]
    assert provider.quirks.active() == {"token_type": "bearer"}
    assert [f.status for f in provider.faults.pending] == [503]
    assert provider.tokens == []
