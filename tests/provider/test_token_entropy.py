"""Tokens take their randomness from the system CSPRNG a batch at a time, each value once.

Reading ``os.urandom`` once per 64 tokens instead of once per token must not make two tokens
share a value: not within a process, not across threads, and not between a process and a
child it forks (the child drops the batch it inherited).
"""

from __future__ import annotations

import base64
import os
import threading

import pytest

from mock_provider import MockProvider
from mock_provider.state import tokens


def test_a_batch_is_one_read_cut_into_values_handed_out_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    blocks: list[bytes] = []
    system = os.urandom

    def urandom(size: int) -> bytes:
        blocks.append(system(size))
        return blocks[-1]

    monkeypatch.setattr(tokens.os, "urandom", urandom)
    entropy = tokens._Entropy()
    taken = [entropy.take() for _ in range(130)]
    assert [len(b) for b in blocks] == [48 * tokens._BATCH] * 3  # 64 pairs per read
    # Each pair is 16 + 32 bytes of one read, URL-safe base64 without padding (what
    # secrets.token_urlsafe gives), and no bytes serve twice.
    decoded = [
        base64.urlsafe_b64decode(jti + "==") + base64.urlsafe_b64decode(token + "=")
        for jti, token in taken
    ]
    assert all(len(jti) == 22 and len(token) == 43 for jti, token in taken)
    assert sorted(decoded[:64]) == sorted(blocks[0][i : i + 48] for i in range(0, 48 * 64, 48))
    assert len({value for pair in taken for value in pair}) == 260


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
def test_a_forked_child_never_hands_out_its_parents_values() -> None:
    tokens._entropy.take()  # a batch is made and mostly not handed out yet
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report its next pair and leave at once
        try:
            os.write(writer, "|".join(tokens._entropy.take()).encode())
        finally:
            os._exit(0)
    os.close(writer)
    child = os.read(reader, 200).decode().split("|")
    os.close(reader)
    os.waitpid(pid, 0)
    assert len(child) == 2
    parent = tokens._entropy.take()
    assert set(child).isdisjoint(parent)
