"""Many clients at once against the socket server: every token issued, distinct and active."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import httpx

from mock_provider import MockProvider

THREADS = 8
REQUESTS_PER_THREAD = 200


def test_concurrent_token_requests_are_all_served_distinct_and_active() -> None:
    provider = MockProvider()
    provider.add_client("busy", "busy-secret", scopes=("read",))
    start = threading.Barrier(THREADS)

    def worker(url: str) -> list[tuple[int, str]]:
        answers = []
        with httpx.Client(timeout=10) as http:
            start.wait(timeout=10)  # all threads hit the server together
            for _ in range(REQUESTS_PER_THREAD):
                response = http.post(
                    url, data={"grant_type": "client_credentials"}, auth=("busy", "busy-secret")
                )
                answers.append((response.status_code, response.json().get("access_token", "")))
        return answers

    with provider.serve() as server, ThreadPoolExecutor(THREADS) as pool:
        assert provider.token_url.startswith(server.url)
        results = [
            a
            for f in [pool.submit(worker, provider.token_url) for _ in range(THREADS)]
            for a in f.result(timeout=60)
        ]

    total = THREADS * REQUESTS_PER_THREAD
    assert len(results) == total
    assert {status for status, _ in results} == {200}
    tokens = [token for _, token in results]
    assert len(set(tokens)) == total
    assert len(provider.token_requests) == total
    # Introspect each in-process afterwards: the server's store agrees they are all active.
    with httpx.Client(transport=provider.transport()) as http:
        for token in tokens:
            answer = http.post(
                provider.introspection_url, data={"token": token}, auth=("busy", "busy-secret")
            ).json()
            assert answer["active"] is True, answer
            assert answer["client_id"] == "busy"
