"""Tokens take their randomness from the system CSPRNG a block at a time, each byte once.

Reading ``os.urandom`` once per 64 tokens instead of once per token must not make two tokens
share bytes: not within a process, not across threads, and not between a process and a child
it forks (the child drops the unread block it inherited).
"""

from __future__ import annotations

import os
import threading

import pytest

from mock_provider import MockProvider
from mock_provider.state import tokens


def test_each_take_is_new_bytes_across_block_boundaries(monkeypatch: pytest.MonkeyPatch) -> None:
    blocks: list[bytes] = []
    system = os.urandom

    def urandom(size: int) -> bytes:
        blocks.append(system(size))
        return blocks[-1]

    monkeypatch.setattr(tokens.os, "urandom", urandom)
    entropy = tokens._Entropy()
    taken = [entropy.take(48) for _ in range(130)]
    assert [len(b) for b in blocks] == [tokens._ENTROPY_BLOCK] * 3  # 64 takes per block
    # The takes are consecutive slices of the blocks, never overlapping, never reused.
    assert b"".join(taken[:64]) == blocks[0]
    assert b"".join(taken[64:128]) == blocks[1]
    assert b"".join(taken[128:]) == blocks[2][:96]
    assert len(set(taken)) == len(taken)
    assert len(entropy.take(tokens._ENTROPY_BLOCK + 1)) == tokens._ENTROPY_BLOCK + 1
    assert len(blocks[-1]) == tokens._ENTROPY_BLOCK + 1  # larger than a block: its own read


def test_tokens_are_unique_across_threads() -> None:
    provider = MockProvider()
    client = provider.add_client("c", "s")
    seen: list[str] = []

    def issue() -> None:
        for _ in range(300):
            token = provider.core.token_store.issue(client, ())
            seen.extend((token.value, token.jti))

    threads = [threading.Thread(target=issue) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(seen) == len(set(seen)) == 2400


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork()")
def test_a_forked_child_never_hands_out_its_parents_bytes() -> None:
    tokens._entropy.take(48)  # a block is read and partly unused
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report its next bytes and leave at once
        try:
            os.write(writer, tokens._entropy.take(48))
        finally:
            os._exit(0)
    os.close(writer)
    child = os.read(reader, 48)
    os.close(reader)
    os.waitpid(pid, 0)
    assert len(child) == 48
    assert child != tokens._entropy.take(48)
