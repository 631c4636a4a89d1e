"""The reference client's JWT client assertions (RFC 7523 §2.2) accepted by an independent
verifier: Authlib's ``JWTBearerClientAssertion`` in its ``AuthorizationServer``, unmodified,
for the token and the revocation endpoint, sync and async.

Authlib validates ``exp``/``iat`` against the wall clock, so the client runs on it too; its
default JOSE registry takes only "recommended" algorithms (no PS256, no HS512).
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any, ClassVar

import httpx
import pytest
from authlib.oauth2.rfc7523 import JWTBearerClientAssertion

from mock_provider import ManualClock
from pytest_oauthcc import ClientCredentials
from tests.assertions import ec_key, public_jwk, rsa_key

from .test_client_authlib import (
    CLIENT_ID,
    AsyncWSGITransport,
    AuthlibServer,
    Client,
    Grant,
    Revocation,
)

BASE = "https://authlib.test"
TOKEN_URL = f"{BASE}/token"
HMAC_SECRET = "an-hmac-secret-of-at-least-64-bytes-for-hs512-0123456789abcdefghijk"
ASSERTION: str = JWTBearerClientAssertion.CLIENT_AUTH_METHOD


class KeyClient(Client):
    """A client Authlib authenticates by assertion only; ``key`` verifies it."""

    key: Any = None

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method == ASSERTION


class Assertions(JWTBearerClientAssertion):  # type: ignore[misc]
    """What Authlib asks an integration for: the audiences, the client's key, jti replay."""

    def __init__(self) -> None:
        super().__init__(validate_jti=True)
        self.spent: set[str] = set()
        self.lock = threading.Lock()

    def get_audiences(self) -> list[str]:
        return [TOKEN_URL, BASE]

    def resolve_client_public_key(self, client: KeyClient) -> Any:
        return client.key

    def validate_jti(self, claims: Any, jti: str) -> bool:
        with self.lock:
            if jti in self.spent:
                return False
            self.spent.add(jti)
            return True


class JwtGrant(Grant):
    TOKEN_ENDPOINT_AUTH_METHODS: ClassVar[list[str]] = [ASSERTION]


class JwtRevocation(Revocation):
    CLIENT_AUTH_METHODS: ClassVar[list[str]] = [ASSERTION]


class JwtServer(AuthlibServer):
    def __init__(self, key: Any) -> None:
        super().__init__(ManualClock())  # Authlib's token expiry; assertions use wall time
        self._token_grants.clear()
        self._endpoints.clear()
        self.register_grant(JwtGrant)
        self.register_endpoint(JwtRevocation)
        self.assertions = Assertions()
        self.register_client_auth_method(ASSERTION, self.assertions)
        client = KeyClient(CLIENT_ID, HMAC_SECRET)
        client.key = key
        self.clients = {CLIENT_ID: client}


KEYS = [
    pytest.param(
        lambda: (
            {
                "auth_method": "private_key_jwt",
                "private_key": rsa_key().as_pem(private=True).decode(),
            },
            public_jwk(rsa_key()),
        ),
        id="private_key_jwt-RS256",
    ),
    pytest.param(
        lambda: (
            {
                "auth_method": "private_key_jwt",
                "private_key": ec_key().as_dict(private=True),
                "key_id": "ec-1",
            },
            public_jwk(ec_key(), kid="ec-1"),
        ),
        id="private_key_jwt-ES256",
    ),
    pytest.param(
        lambda: (
            {
                "auth_method": "private_key_jwt",
                "private_key": rsa_key().as_pem(private=True).decode(),
                "assertion_audience": BASE,
            },
            public_jwk(rsa_key()),
        ),
        id="private_key_jwt-RS256-issuer-audience",
    ),
    pytest.param(
        lambda: (
            {
                "client_secret": HMAC_SECRET,
                "auth_method": "client_secret_jwt",
            },
            {"kty": "oct", "k": _b64(HMAC_SECRET.encode())},
        ),
        id="client_secret_jwt-HS256",
    ),
]


def _b64(raw: bytes) -> str:
    import base64

    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize("make", KEYS)
def test_rfc7523_2_2_authlib_accepts_the_token_and_revocation_assertions(
    make: Any, mode: str
) -> None:
    options, key = make()
    server = JwtServer(key)
    secret = options.pop("client_secret", None)
    auth = ClientCredentials(
        TOKEN_URL, CLIENT_ID, secret, revocation_url=f"{BASE}/revoke", **options
    )
    if mode == "sync":
        with httpx.Client(auth=auth, transport=httpx.WSGITransport(app=server)) as http:
            assert http.get(f"{BASE}/api").json() == {"client_id": CLIENT_ID}
            auth.invalidate()
            assert http.get(f"{BASE}/api").status_code == 200
            assert auth.revoke(http) is True
    else:

        async def main() -> None:
            async with httpx.AsyncClient(auth=auth, transport=AsyncWSGITransport(server)) as http:
                assert (await http.get(f"{BASE}/api")).status_code == 200
                auth.invalidate()
                assert (await http.get(f"{BASE}/api")).status_code == 200
                assert await auth.arevoke(http) is True

        asyncio.run(main())
    assert [status for path, status in server.log if path != "/api"] == [200, 200, 200]
    assert len(server.assertions.spent) == 3  # two tokens and a revocation, three jti
    assert all(token.revoked for token in list(server.tokens.values())[-1:])
