"""Part 1 (and its half of part 6): the in-process token round trip against its floor.

The subject is what a test using ``oauth_provider`` does: an ``httpx.Client`` whose transport is
the provider, posting a client-credentials token request and reading the token. The floor is the
least any in-process mock can do: an ``httpx.MockTransport`` handler answering a constant token
JSON. Both clients send the same request (Basic auth, form body) and parse the same answer.
"""

from __future__ import annotations

import functools
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


def round_trip_subjects(
    count: int, token_format: str = "opaque", alg: str = "RS256"
) -> dict[str, Callable[[], float]]:
    """One repetition each of ``count`` token round trips: floor and provider.

    The provider is reset before each repetition, as the fixture resets it before each test,
    so every repetition starts from the same state.
    """
    provider = MockProvider(token_format=token_format, access_token_alg=alg)
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


def rsa_signature(count: int) -> Callable[[], float]:
    """One repetition of ``count`` bare RSA-2048 PKCS#1 v1.5 SHA-256 signatures (RS256) of
    an access token's signing input, with the provider's own key: what an RS256 token
    cannot cost less than."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    provider = MockProvider(token_format="jwt")
    provider.add_client(CLIENT_ID, SECRET)
    signing_input = provider.issue_token(CLIENT_ID).value.rpartition(".")[0].encode()
    key = provider.signing_keys.current.private_key
    assert key is not None
    sign = functools.partial(key.sign, signing_input, padding.PKCS1v15(), hashes.SHA256())
    return lambda: per_call(sign, count)


# The JWT rows: RS256 (the default, which RFC 9068 §2.1 requires servers to support) and
# ES256, each against the floor and against opaque tokens.
JWT_ALGS = ("RS256", "ES256")


def measure_round_trip(settings: Settings) -> tuple[list[Row], dict[str, float]]:
    """Part 1: seconds per in-process token round trip, provider against the floor.

    Opaque and JWT tokens run in the same repetitions, so each JWT subject is also paired
    with the opaque one (issue 13: within 2.5x). Returns the rows and the per-request
    medians (used by the scaling part).
    """
    count = settings.round_trips
    opaque = round_trip_subjects(count)
    subjects = {"floor": opaque["floor"], "opaque": opaque["subject"]}
    for alg in JWT_ALGS:
        subjects[f"jwt {alg}"] = round_trip_subjects(count, "jwt", alg)["subject"]
    samples = interleaved(settings.repeats, subjects)
    # The bare signature in a loop of its own, paired with the opaque round trip again: in
    # the loop above, a burst of signing before a round trip would cool its caches.
    floors = interleaved(
        settings.repeats, {"opaque": opaque["subject"], "rsa": rsa_signature(count)}
    )
    floor = median(samples["floor"])
    per_request = {"floor": floor, "opaque": median(samples["opaque"])}
    note = f"{count} requests per repetition"
    rows: list[Row] = []
    for name, label in (("opaque", "opaque"), *((f"jwt {a}", f"jwt, {a}") for a in JWT_ALGS)):
        r = paired_ratio(samples[name], samples["floor"])
        is_opaque = name == "opaque"
        rows.append(
            Row(
                "1",
                f"in-process token round trip ({label})",
                "oauth_provider transport",
                median(samples[name]),
                "s",
                baseline="httpx.MockTransport constant token",
                baseline_value=floor,
                ratio=r,
                # Issue 14: within 1.25x of the floor (was 1.5x).
                target="<= 1.25x" if is_opaque else "(no target)",
                met=(r is not None and r <= 1.25) if is_opaque else None,
                note=note,
                samples=samples[name],
            )
        )
    per_request["jwt"] = median(samples["jwt RS256"])
    # Issue 13: JWT access tokens within 2.5x of opaque ones, paired in each repetition.
    for alg in JWT_ALGS:
        r = paired_ratio(samples[f"jwt {alg}"], samples["opaque"])
        rows.append(
            Row(
                "1",
                "in-process token round trip, jwt vs opaque",
                f"oauth_provider transport (jwt, {alg})",
                median(samples[f"jwt {alg}"]),
                "s",
                baseline="oauth_provider transport (opaque)",
                baseline_value=per_request["opaque"],
                ratio=r,
                target="<= 2.5x",
                met=r is not None and r <= 2.5,
                note=note,
                samples=samples[f"jwt {alg}"],
            )
        )
    # What RS256 cannot go under: an opaque round trip plus the bare signature, paired.
    pairs = zip(floors["opaque"], floors["rsa"], strict=True)
    floor_rs256 = [round_trip + signature for round_trip, signature in pairs]
    r = paired_ratio(floor_rs256, floors["opaque"])
    rows.append(
        Row(
            "1",
            "in-process token round trip, jwt vs opaque",
            "least an RS256 round trip can cost: opaque + one RSA-2048 signature",
            median(floor_rs256),
            "s",
            baseline="oauth_provider transport (opaque)",
            baseline_value=median(floors["opaque"]),
            ratio=r,
            target="(the floor of RS256)",
            note=f"the bare RSA-2048 PKCS#1 v1.5 signature: {median(floors['rsa']) * 1e6:.1f} µs",
            samples=floor_rs256,
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
