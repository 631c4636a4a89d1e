"""Part 4: the reference client against a static bearer header, httpx-auth and Authlib.

All four call the same in-process provider's protected "me" API. Per-request overhead is
measured with a cached token; the storms expire the token and let 50 threads (one shared
``httpx.Client``) or 500 asyncio tasks (one shared ``httpx.AsyncClient``) call at once, and
count the token requests the provider received. During the storms every token request takes
50 ms (a scripted delay on the provider's token endpoint), as a real provider's would.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
import warnings
from collections.abc import Callable
from typing import Any

import httpx
from common import Row, Settings, interleaved, median, paired_ratio, per_call, unavailable

from mock_provider import MockProvider

CLIENT_ID, SECRET = "bench", "bench-secret"
# A real token endpoint takes tens of milliseconds; in-process it takes microseconds, which
# would let even a client without single flight get away with one request per storm.
TOKEN_LATENCY = 0.05


def _reference() -> Any:
    try:
        from pytest_oauthcc import ClientCredentials
    except ImportError:
        return None
    return ClientCredentials


class Contender:
    """One way of authenticating: how to build its clients and how to expire its token."""

    def __init__(self, provider: MockProvider, name: str) -> None:
        self.provider = provider
        self.name = name

    def sync_client(self) -> httpx.Client:
        """A client whose requests to the provider carry a token."""
        raise NotImplementedError

    def async_client(self) -> httpx.AsyncClient:
        """An async client whose requests to the provider carry a token."""
        raise NotImplementedError

    def expire(self) -> None:
        """Make the cached token due for renewal (the provider's clock moves on too)."""
        self.provider.clock.advance(self.provider.expires_in + 1)  # type: ignore[attr-defined]


class Floor(Contender):
    """A plain httpx client with a static ``Authorization: Bearer`` header."""

    def sync_client(self) -> httpx.Client:
        """A client with the header of a token issued directly."""
        token = self.provider.issue_token(CLIENT_ID)
        return httpx.Client(
            transport=self.provider.transport(),
            headers={"Authorization": f"Bearer {token.value}"},
        )


class Reference(Contender):
    """``pytest_oauthcc.ClientCredentials`` on the provider's own clock."""

    def _auth(self) -> httpx.Auth:
        auth: httpx.Auth = _reference()(
            self.provider.token_url, CLIENT_ID, SECRET, clock=self.provider.clock
        )
        return auth

    def sync_client(self) -> httpx.Client:
        """A client with a ClientCredentials auth."""
        return httpx.Client(transport=self.provider.transport(), auth=self._auth())

    def async_client(self) -> httpx.AsyncClient:
        """An async client with a ClientCredentials auth."""
        return httpx.AsyncClient(transport=self.provider.async_transport(), auth=self._auth())


class HttpxAuth(Contender):
    """httpx-auth's ``OAuth2ClientCredentials`` (its token requests use a sync client)."""

    def _auth(self) -> httpx.Auth:
        from httpx_auth import OAuth2, OAuth2ClientCredentials

        OAuth2.token_cache.clear()
        auth: httpx.Auth = OAuth2ClientCredentials(
            self.provider.token_url,
            CLIENT_ID,
            SECRET,
            client=httpx.Client(transport=self.provider.transport()),
        )
        return auth

    def sync_client(self) -> httpx.Client:
        """A client with an OAuth2ClientCredentials auth."""
        return httpx.Client(transport=self.provider.transport(), auth=self._auth())

    def async_client(self) -> httpx.AsyncClient:
        """An async client with the same (sync-flow) auth."""
        return httpx.AsyncClient(transport=self.provider.async_transport(), auth=self._auth())

    def expire(self) -> None:
        """Rewrite httpx-auth's cached expiry into the past (it measures wall-clock time)."""
        from httpx_auth import OAuth2

        super().expire()
        cache = OAuth2.token_cache
        for key, (token, _expiry, *rest) in list(cache.tokens.items()):
            cache.tokens[key] = (token, time.time() - 60, *rest)


class Authlib(Contender):
    """Authlib's httpx ``OAuth2Client`` / ``AsyncOAuth2Client`` with the client-credentials
    grant (it fetches a new token itself when the current one expires)."""

    def __init__(self, provider: MockProvider, name: str) -> None:
        super().__init__(provider, name)
        self.clients: list[Any] = []

    def _kwargs(self) -> dict[str, Any]:
        return {
            "client_id": CLIENT_ID,
            "client_secret": SECRET,
            "token_endpoint": self.provider.token_url,
            "grant_type": "client_credentials",
        }

    def _transport(self, client_class: type, *, asynchronous: bool) -> Any:
        # Authlib >= 1.7 builds its clients on httpx2 whenever httpx2 is importable; an httpx2
        # client refuses httpx transports, so it gets the provider's httpx2 transports.
        if issubclass(client_class, (httpx.Client, httpx.AsyncClient)):
            return self.provider.async_transport() if asynchronous else self.provider.transport()
        from mock_provider.transport import httpx2 as on_httpx2

        transport = (
            on_httpx2.AsyncProviderTransport if asynchronous else on_httpx2.ProviderTransport
        )
        return transport(self.provider)

    def sync_client(self) -> httpx.Client:
        """An OAuth2Client with a first token fetched."""
        with warnings.catch_warnings(record=True):  # authlib re-enables its own warning
            warnings.simplefilter("ignore")
            from authlib.integrations.httpx_client import OAuth2Client

        transport = self._transport(OAuth2Client, asynchronous=False)
        client = OAuth2Client(transport=transport, **self._kwargs())
        client.fetch_token()
        self.clients.append(client)
        return client  # type: ignore[no-any-return]

    def async_client(self) -> httpx.AsyncClient:
        """An AsyncOAuth2Client; its first token is fetched by the caller's first request."""
        with warnings.catch_warnings(record=True):  # authlib re-enables its own warning
            warnings.simplefilter("ignore")
            from authlib.integrations.httpx_client import AsyncOAuth2Client

        transport = self._transport(AsyncOAuth2Client, asynchronous=True)
        client = AsyncOAuth2Client(transport=transport, **self._kwargs())
        client.token = {"access_token": "x", "token_type": "Bearer", "expires_at": 1}
        self.clients.append(client)
        return client  # type: ignore[no-any-return]

    def expire(self) -> None:
        """Set the ``expires_at`` of the current token in the past (wall-clock time)."""
        super().expire()
        for client in self.clients:
            client.token = dict(client.token, expires_at=int(time.time()) - 120)


def contenders(provider: MockProvider) -> dict[str, Contender]:
    """The floor and the three authenticating clients available in this environment."""
    found: dict[str, Contender] = {"floor": Floor(provider, clients_label("floor"))}
    if _reference() is not None:
        found["reference"] = Reference(provider, clients_label("reference"))
    found["httpx-auth"] = HttpxAuth(provider, clients_label("httpx-auth"))
    found["authlib"] = Authlib(provider, clients_label("authlib"))
    return found


def _provider() -> MockProvider:
    provider = MockProvider()
    provider.add_client(CLIENT_ID, SECRET)
    return provider


def _per_request(provider: MockProvider, client: httpx.Client, count: int) -> Callable[[], float]:
    url = provider.me_url

    def call() -> None:
        if client.get(url).status_code != 200:
            raise RuntimeError("the API refused the token")

    def run() -> float:
        provider.clear_requests()
        return per_call(call, count)

    return run


def _auth_step(client: httpx.Client, provider: MockProvider, count: int) -> Callable[[], float]:
    """Seconds per run of ``client``'s auth step alone (no transport, no HTTP): attach the
    cached token to a request and look at a 200 answer. The floor sets a static header."""
    request = client.build_request("GET", provider.me_url)
    answer = httpx.Response(200, request=request)
    auth = client.auth

    def step() -> None:
        if auth is None:
            request.headers["Authorization"] = "Bearer static-token"
            return
        flow = auth.sync_auth_flow(request)
        answer.request = next(flow)
        with contextlib.suppress(StopIteration):  # the flow ends after the answer
            flow.send(answer)

    return lambda: per_call(step, count)


def _auth_step_rows(
    settings: Settings, provider: MockProvider, clients: dict[str, httpx.Client]
) -> list[Row]:
    """The per-request auth step measured alone, where its differences are not lost in the
    few percent by which a whole request's time moves between repetitions. Authlib is not
    measured: its token handling runs in ``OAuth2Client.request`` rather than an
    ``httpx.Auth`` flow."""
    names = [n for n in ("floor", "reference", "httpx-auth") if n in clients]
    samples = interleaved(
        settings.repeats,
        {n: _auth_step(clients[n], provider, settings.client_requests * 20) for n in names},
    )
    rows = []
    for name in names[1:]:
        baseline = "httpx-auth" if name == "reference" and "httpx-auth" in samples else "floor"
        rows.append(
            Row(
                "4",
                "auth step alone per request (cached token, no HTTP)",
                clients_label(name),
                median(samples[name]),
                "s",
                baseline=clients_label(baseline),
                baseline_value=median(samples[baseline]),
                ratio=paired_ratio(samples[name], samples[baseline]),
                samples=samples[name],
            )
        )
    return rows


def clients_label(name: str) -> str:
    """The table label of a contender key."""
    return {
        "floor": "static bearer header (floor)",
        "reference": "pytest_oauthcc.ClientCredentials",
        "httpx-auth": "httpx-auth OAuth2ClientCredentials",
        "authlib": "Authlib OAuth2Client",
    }[name]


def thread_storm(contender: Contender, threads: int) -> int:
    """Token requests made when ``threads`` threads meet an expired token at once."""
    provider = contender.provider
    client = contender.sync_client()
    client.get(provider.me_url)  # a cached token
    contender.expire()
    provider.clear_requests()
    barrier = threading.Barrier(threads)
    statuses: list[int] = []

    def call() -> None:
        barrier.wait(timeout=60)
        statuses.append(client.get(provider.me_url).status_code)

    workers = [threading.Thread(target=call, daemon=True) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    if statuses.count(200) != threads:
        raise RuntimeError(f"{contender.name}: {threads - statuses.count(200)} calls failed")
    return len(provider.token_requests)


def task_storm(contender: Contender, tasks: int) -> int:
    """Token requests made when ``tasks`` asyncio tasks meet an expired token at once."""
    provider = contender.provider

    async def storm() -> int:
        async with contender.async_client() as client:
            await client.get(provider.me_url)
            contender.expire()
            provider.clear_requests()
            responses = await asyncio.gather(*(client.get(provider.me_url) for _ in range(tasks)))
        if any(r.status_code != 200 for r in responses):
            raise RuntimeError(f"{contender.name}: some calls failed")
        return len(provider.token_requests)

    return asyncio.run(storm())


def measure_client(settings: Settings) -> list[Row]:
    """Part 4: per-request overhead with a cached token, and the two expiry storms."""
    provider = _provider()
    found = contenders(provider)
    rows: list[Row] = []
    if "reference" not in found:
        rows.append(
            unavailable("4", "client", "pytest_oauthcc.ClientCredentials", "not importable")
        )
    clients = {name: c.sync_client() for name, c in found.items()}
    for client in clients.values():
        client.get(provider.me_url)  # fetch and cache the token
    samples = interleaved(
        settings.repeats,
        {n: _per_request(provider, c, settings.client_requests) for n, c in clients.items()},
    )
    floor = median(samples["floor"])
    # "Ahead" is judged on the same paired ratios as the target, not on raw medians, which
    # drift with the machine's load between repetitions.
    peer_ratios = [
        r
        for n in ("httpx-auth", "authlib")
        if n in samples and (r := paired_ratio(samples[n], samples["floor"])) is not None
    ]
    for name, contender in found.items():
        if name == "floor":
            continue
        value = median(samples[name])
        r = paired_ratio(samples[name], samples["floor"])
        is_reference = name == "reference"
        rows.append(
            Row(
                "4",
                "API request with a cached token",
                contender.name,
                value,
                "s",
                baseline=found["floor"].name,
                baseline_value=floor,
                ratio=r,
                target="<= 1.10x, ahead of both peers" if is_reference else "",
                met=(r is not None and r <= 1.10 and all(r < p for p in peer_ratios))
                if is_reference
                else None,
                samples=samples[name],
            )
        )
    rows += _auth_step_rows(settings, provider, clients)
    for name, contender in found.items():
        if name == "floor":
            continue
        for what, count, storm in (
            ("threads", settings.storm_threads, thread_storm),
            ("asyncio tasks", settings.storm_tasks, task_storm),
        ):
            contender.provider = _provider()
            contender.provider.add_fault("token", times=None, delay=TOKEN_LATENCY)
            made = storm(contender, count)
            rows.append(
                Row(
                    "4",
                    f"token requests when {count} {what} meet an expired token",
                    contender.name,
                    float(made),
                    "requests",
                    target="exactly 1" if name == "reference" else "",
                    met=made == 1 if name == "reference" else None,
                )
            )
    return rows
