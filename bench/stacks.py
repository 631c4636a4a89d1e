"""Part 1's rows for the other stacks: requests, httpx2 and aiohttp answered in-process.

Each subject is what a test does when the provider is registered in the routing table: a
plain client of that stack (no transport given) posting a client-credentials token request
and reading the token. Each baseline is that stack's own constant-answer floor:

- requests: a ``BaseAdapter`` answering the constant token (the same adapter class the
  provider is reached through, with a target that does nothing);
- httpx2: an ``httpx2.MockTransport`` handler answering the constant token;
- aiohttp: ``aioresponses`` answering the constant token; when aioresponses cannot build
  responses on the installed aiohttp (pnuckowski/aioresponses#289, aiohttp >= 3.14), the
  constant token answered through the same in-process connection instead (said in the note).

Run on its own (``python bench/stacks.py [--quick|--smoke]``), or call
:func:`measure_stacks` from ``bench/run.py``'s part 1.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import Row, Settings, interleaved, median, paired_ratio, per_call, table
from provider import CLIENT_ID, FORM, SECRET, TOKEN

from mock_provider import MockProvider
from mock_provider.protocol import Request, Response
from mock_provider.transport import routing

TARGET = 1.5  # issue 14: within 1.5x of each stack's own floor
# Undo registrations and close clients once the measurement is over.
_cleanups: list[Callable[[], None]] = []


class ConstantTarget:
    """A target answering every request with the constant token: the floor's provider."""

    def handle(self, request: Request) -> Response:
        return Response.json(200, TOKEN, {"Cache-Control": "no-store"})


def _provider(stack: str) -> MockProvider:
    """A provider of its own for ``stack``, registered in the routing table until the end."""
    provider = MockProvider(f"https://bench-{stack}.test")
    provider.add_client(CLIENT_ID, SECRET)
    _cleanups.append(routing.register(provider.url, provider))
    return provider


def _check(status: int, token: str) -> str:
    if status != 200:
        raise RuntimeError(f"token request failed: {status}")
    return token


def requests_subjects(count: int) -> dict[str, Callable[[], float]]:
    import requests

    from mock_provider.transport.requests import ProviderAdapter

    provider = _provider("requests")
    subject = requests.Session()
    floor = requests.Session()
    floor.mount(provider.url, ProviderAdapter(ConstantTarget()))
    url = provider.token_url

    def fetch(session: requests.Session) -> str:
        response = session.post(url, auth=(CLIENT_ID, SECRET), data=FORM)
        return _check(response.status_code, response.json()["access_token"])

    def run_subject() -> float:
        provider.reset()
        return per_call(lambda: fetch(subject), count)

    return {"floor": lambda: per_call(lambda: fetch(floor), count), "subject": run_subject}


def httpx2_subjects(count: int) -> dict[str, Callable[[], float]]:
    import httpx2

    provider = _provider("httpx2")
    subject = httpx2.Client()
    floor = httpx2.Client(
        transport=httpx2.MockTransport(
            lambda request: httpx2.Response(200, json=TOKEN, headers={"Cache-Control": "no-store"})
        )
    )
    url = provider.token_url

    def fetch(client: httpx2.Client) -> str:
        response = client.post(url, auth=(CLIENT_ID, SECRET), data=FORM)
        return _check(response.status_code, response.json()["access_token"])

    def run_subject() -> float:
        provider.reset()
        return per_call(lambda: fetch(subject), count)

    return {"floor": lambda: per_call(lambda: fetch(floor), count), "subject": run_subject}


def aiohttp_subjects(count: int) -> tuple[dict[str, Callable[[], float]], str]:
    import aiohttp

    provider = _provider("aiohttp")
    url = provider.token_url
    headers = {"Authorization": aiohttp.encode_basic_auth(CLIENT_ID, SECRET)}
    loop = asyncio.new_event_loop()

    async def fetch_many(session: aiohttp.ClientSession) -> float:
        async def fetch() -> str:
            async with session.post(url, headers=headers, data=FORM) as response:
                return _check(response.status, (await response.json())["access_token"])

        start = loop.time()
        for _ in range(count):
            await fetch()
        return (loop.time() - start) / count

    async def open_session() -> aiohttp.ClientSession:
        return aiohttp.ClientSession()

    subject_session = loop.run_until_complete(open_session())
    floor_session = loop.run_until_complete(open_session())
    floor_note = "aioresponses constant token"

    def run_floor() -> float:
        from aioresponses import aioresponses

        with aioresponses() as mocked:
            mocked.post(url, payload=TOKEN, headers={"Cache-Control": "no-store"}, repeat=True)
            return loop.run_until_complete(fetch_many(floor_session))

    try:
        run_floor()
    except TypeError:  # aioresponses#289: it cannot build a ClientResponse on aiohttp 3.14
        floor_note = "constant token, same in-process connection (aioresponses#289)"
        constant = MockProvider("https://constant-floor.test")
        url_floor = constant.token_url
        undo_floor = routing.register(constant.url, ConstantTarget())

        async def fetch_constant() -> float:
            start = loop.time()
            for _ in range(count):
                async with floor_session.post(url_floor, headers=headers, data=FORM) as r:
                    _check(r.status, (await r.json())["access_token"])
            return (loop.time() - start) / count

        def run_floor() -> float:
            return loop.run_until_complete(fetch_constant())

        _cleanups.append(undo_floor)

    def run_subject() -> float:
        provider.reset()
        return loop.run_until_complete(fetch_many(subject_session))

    def close() -> None:
        loop.run_until_complete(subject_session.close())
        loop.run_until_complete(floor_session.close())
        loop.close()

    _cleanups.append(close)
    return {"floor": run_floor, "subject": run_subject}, floor_note


def _row(stack: str, baseline: str, samples: dict[str, list[float]], note: str) -> Row:
    r = paired_ratio(samples["subject"], samples["floor"])
    return Row(
        "1",
        f"in-process token round trip ({stack})",
        f"provider via the {stack} hook",
        median(samples["subject"]),
        "s",
        baseline=baseline,
        baseline_value=median(samples["floor"]),
        ratio=r,
        target=f"<= {TARGET}x",
        met=r is not None and r <= TARGET,
        note=note,
        samples=samples["subject"],
    )


def measure_stacks(settings: Settings) -> list[Row]:
    """Seconds per in-process token round trip for requests, httpx2 and aiohttp, each
    against its own floor, every pair interleaved in one run."""
    count = settings.round_trips
    note = f"{count} requests per repetition"
    try:
        aio, floor_note = aiohttp_subjects(count)
        plans = [
            ("requests", "constant BaseAdapter", requests_subjects(count), note),
            ("httpx2", "httpx2.MockTransport constant token", httpx2_subjects(count), note),
            ("aiohttp", floor_note, aio, note),
        ]
        return [
            _row(stack, baseline, interleaved(settings.repeats, subjects), row_note)
            for stack, baseline, subjects, row_note in plans
        ]
    finally:
        while _cleanups:
            _cleanups.pop()()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_const", dest="mode", const="quick")
    mode.add_argument("--smoke", action="store_const", dest="mode", const="smoke")
    args = parser.parse_args(argv)
    print(table(measure_stacks(Settings.for_mode(args.mode or "full"))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
