"""Part 1 (and its half of part 6): the in-process token round trip against its floor.

The subject is what a test using ``oauth_provider`` does: an ``httpx.Client`` whose transport is
the provider, posting a client-credentials token request and reading the token. The floor is the
least any in-process mock can do: an ``httpx.MockTransport`` handler answering a constant token
JSON. Both clients send the same request (Basic auth, form body) and parse the same answer.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx
from common import Row, Settings, interleaved, median, paired_ratio, per_call

from mock_provider import MockProvider

CLIENT_ID = "bench"
SECRET = "bench-secret"
FORM = {"grant_type": "client_credentials"}
TOKEN = {
    "access_token": "static-bench-token-0123456789abcdef0123456789",
    "token_type": "Bearer",
    "expires_in": 3600,
}


def fetch_token(client: httpx.Client, url: str) -> str:
    """POST one client-credentials token request and return the access token."""
    response = client.post(url, auth=(CLIENT_ID, SECRET), data=FORM)
    if response.status_code != 200:
        raise RuntimeError(f"token request failed: {response.status_code} {response.text}")
    token: str = response.json()["access_token"]
    return token


def floor_client() -> httpx.Client:
    """An httpx client whose transport answers every request with the constant token."""
    return httpx.Client(
        transport=httpx.MockTransport(
            lambda request: httpx.Response(200, json=TOKEN, headers={"Cache-Control": "no-store"})
        )
    )


def round_trip_subjects(count: int, token_format: str = "opaque") -> dict[str, Callable[[], float]]:
    """One repetition each of ``count`` token round trips: floor and provider.

    The provider is reset before each repetition, as the fixture resets it before each test,
    so every repetition starts from the same state.
    """
    provider = MockProvider(token_format=token_format)
    provider.add_client(CLIENT_ID, SECRET)
    subject = httpx.Client(transport=provider.transport())
    floor = floor_client()
    url = provider.token_url

    def run_subject() -> float:
        provider.reset()
        return per_call(lambda: fetch_token(subject, url), count)

    return {
        "floor": lambda: per_call(lambda: fetch_token(floor, url), count),
        "subject": run_subject,
    }


def measure_round_trip(settings: Settings) -> tuple[list[Row], dict[str, float]]:
    """Part 1: seconds per in-process token round trip, provider against the floor.

    Returns the rows and the per-request medians (used by the scaling part).
    """
    rows: list[Row] = []
    per_request: dict[str, float] = {}
    ratios: dict[str, float | None] = {}
    for token_format in ("opaque", "jwt"):
        samples = interleaved(
            settings.repeats, round_trip_subjects(settings.round_trips, token_format)
        )
        floor, subject = median(samples["floor"]), median(samples["subject"])
        per_request[token_format] = subject
        per_request["floor"] = floor
        r = paired_ratio(samples["subject"], samples["floor"])
        rows.append(
            Row(
                "1",
                f"in-process token round trip ({token_format})",
                "oauth_provider transport",
                subject,
                "s",
                baseline="httpx.MockTransport constant token",
                baseline_value=floor,
                ratio=r,
                # Issue 14: within 1.25x of the floor (was 1.5x).
                target="<= 1.25x" if token_format == "opaque" else "(no target)",
                met=(r is not None and r <= 1.25) if token_format == "opaque" else None,
                note=f"{settings.round_trips} requests per repetition",
                samples=samples["subject"],
            )
        )
        ratios[token_format] = r
    # Issue 13: JWT access tokens within 2.5x of opaque ones. Each format ran against its own
    # floor in the same repetitions, so the ratio of the two floor ratios cancels the load.
    opaque, jwt = ratios.get("opaque"), ratios.get("jwt")
    jwt_vs_opaque = jwt / opaque if jwt is not None and opaque else None
    rows.append(
        Row(
            "1",
            "in-process token round trip, jwt vs opaque",
            "oauth_provider transport (jwt)",
            per_request["jwt"],
            "s",
            baseline="oauth_provider transport (opaque)",
            baseline_value=per_request["opaque"],
            ratio=jwt_vs_opaque,
            target="<= 2.5x",
            met=jwt_vs_opaque is not None and jwt_vs_opaque <= 2.5,
            note="ratio of the two floor ratios; the RSA-2048 RS256 signature is most of it",
        )
    )
    return rows, per_request


def measure_round_trip_scaling(settings: Settings) -> list[Row]:
    """Part 6 for part 1: per-request cost with 10x the requests on one provider."""
    small, large = settings.scaling_requests, settings.scaling_requests * 10
    provider_small = round_trip_subjects(small)["subject"]
    provider_large = round_trip_subjects(large)["subject"]
    samples = interleaved(
        3 if settings.mode != "full" else 5,
        {"small": provider_small, "large": provider_large},
    )
    r = paired_ratio(samples["large"], samples["small"])
    return [
        Row(
            "6",
            f"round trip per request, {large} vs {small} requests on one provider",
            "oauth_provider transport",
            median(samples["large"]),
            "s",
            baseline=f"{small} requests",
            baseline_value=median(samples["small"]),
            ratio=r,
            target="~1.0x (linear)",
            met=r is not None and r <= 1.2,
            samples=samples["large"],
        )
    ]
