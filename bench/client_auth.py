"""Part 4 (issue 13): a token round trip with JWT client authentication against one with
``client_secret_basic``.

A round trip is ``invalidate()`` then ``fetch_token()``: the reference client builds the
token request (for the JWT methods, signs a fresh RFC 7523 assertion) and the in-process
provider authenticates it (verifies the assertion, spends its ``jti``) and issues a token.
Every subject runs interleaved with the ``client_secret_basic`` baseline in the same
repetition loop and is reported as the median of the paired ratios.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
from common import Row, Settings, interleaved, median, paired_ratio, per_call, unavailable

from mock_provider import MockProvider

SECRET = "bench-secret-of-at-least-32-bytes-for-hs256"
# RFC 7518 key types the reference client signs with, by the algorithm it defaults to.
KEY_TYPES = (("ES256", "P-256 EC"), ("EdDSA", "Ed25519"), ("RS256", "RSA 2048"))
BASELINE = "client_secret_basic"


def _private_pem(alg: str) -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

    key: Any
    if alg == "RS256":
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    elif alg == "EdDSA":
        key = ed25519.Ed25519PrivateKey.generate()
    else:
        key = ec.generate_private_key(ec.SECP256R1())
    pem: bytes = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return pem.decode()


def _clients(provider: MockProvider) -> dict[str, Any]:
    """One reference client per subject, each registered at ``provider`` as its method says."""
    from pytest_oauthcc import ClientCredentials

    def make(client_id: str, secret: str | None, **options: Any) -> Any:
        return ClientCredentials(
            provider.token_url, client_id, secret, clock=provider.clock, **options
        )

    provider.add_client("basic", SECRET, auth_methods=["client_secret_basic"])
    provider.add_client("secret-jwt", SECRET, auth_methods=["client_secret_jwt"])
    clients = {
        BASELINE: make("basic", SECRET),
        "client_secret_jwt HS256": make("secret-jwt", SECRET, auth_method="client_secret_jwt"),
    }
    for alg, kind in KEY_TYPES:
        client_id = f"key-{alg.lower()}"
        auth = make(client_id, None, auth_method="private_key_jwt", private_key=_private_pem(alg))
        provider.add_client(client_id, jwks=auth.public_jwks(), auth_methods=["private_key_jwt"])
        clients[f"private_key_jwt {alg} ({kind})"] = auth
    return clients


def _signature_pair(alg: str, message: bytes, count: int) -> Callable[[], float]:
    """One repetition of ``count`` bare signatures and verifications of ``message`` with a
    key of ``alg``'s type (cryptography, no JOSE): what private_key_jwt adds to a round
    trip at the least."""
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec, padding

    private: Any = serialization.load_pem_private_key(_private_pem(alg).encode(), None)
    public = private.public_key()
    if alg == "RS256":
        options: tuple[Any, ...] = (padding.PKCS1v15(), hashes.SHA256())
    elif alg == "ES256":
        options = (ec.ECDSA(hashes.SHA256()),)
    else:
        options = ()
    signature = private.sign(message, *options)

    def once() -> None:
        private.sign(message, *options)
        public.verify(signature, message, *options)

    return lambda: per_call(once, count)


def _round_trip(auth: Any, http: httpx.Client, count: int) -> Callable[[], float]:
    def once() -> None:
        auth.invalidate()
        auth.fetch_token(http)

    return lambda: per_call(once, count)


def measure_client_auth(settings: Settings) -> list[Row]:
    """Seconds per token round trip for each auth method, against client_secret_basic."""
    try:
        import cryptography  # noqa: F401 - the jwt extra
    except ImportError:
        return [unavailable("4", "token round trip", "private_key_jwt", "the jwt extra")]
    provider = MockProvider()
    clients = _clients(provider)
    rows: list[Row] = []
    with httpx.Client(transport=provider.transport()) as http:
        for auth in clients.values():
            auth.fetch_token(http)  # warm: keys loaded, first request made
        samples = interleaved(
            settings.repeats,
            {name: _round_trip(auth, http, settings.round_trips) for name, auth in clients.items()},
        )
        # The bare signatures in a loop of their own, each paired with the baseline again: in
        # the loop above, a burst of signing before a round trip would cool its caches.
        keyed = [name for name in clients if name.startswith("private_key_jwt")]
        # What a client signs: header and claims of an assertion to this token endpoint.
        message = clients[keyed[0]].settings.signer.assertion("bench", provider.token_url, now=0)
        signing_input = message.rpartition(".")[0].encode()
        crypto = {
            f"crypto {name}": _signature_pair(name.split()[1], signing_input, settings.round_trips)
            for name in keyed
        }
        floors = interleaved(
            settings.repeats,
            {BASELINE: _round_trip(clients[BASELINE], http, settings.round_trips), **crypto},
        )
    baseline = median(samples[BASELINE])
    for name in clients:
        if name == BASELINE:
            continue
        r = paired_ratio(samples[name], samples[BASELINE])
        is_key = name.startswith("private_key_jwt")
        note = (
            f"its signature and verification alone: {median(floors[f'crypto {name}']) * 1e6:.1f} µs"
            if is_key
            else ""
        )
        rows.append(
            Row(
                "4",
                "token round trip (invalidate, fetch_token), in-process provider",
                f"ClientCredentials {name}",
                median(samples[name]),
                "s",
                baseline=f"ClientCredentials {BASELINE}",
                baseline_value=baseline,
                ratio=r,
                target="<= 2x" if is_key else "",
                met=(r is not None and r <= 2.0) if is_key else None,
                note=note,
                samples=samples[name],
            )
        )
    # What each key type cannot go under: a client_secret_basic round trip plus the client's
    # bare signature and the provider's verification, paired in each repetition. RS256's is
    # above the 2x target by itself; the others show how much of their ratio the rules take.
    for name in keyed:
        pairs = zip(floors[BASELINE], floors[f"crypto {name}"], strict=True)
        floor = [basic + signature for basic, signature in pairs]
        alg, kind = name.removeprefix("private_key_jwt ").split(" ", 1)
        rows.append(
            Row(
                "4",
                "token round trip (invalidate, fetch_token), in-process provider",
                f"least a private_key_jwt {alg} round trip can cost: client_secret_basic + "
                f"one {kind.strip('()')} signature and its verification",
                median(floor),
                "s",
                baseline=f"ClientCredentials {BASELINE}",
                baseline_value=median(floors[BASELINE]),
                ratio=paired_ratio(floor, floors[BASELINE]),
                target=f"(the floor of {alg})",
                samples=floor,
            )
        )
    return rows
