"""The reference client against an independent authorization server built from Authlib's
server components (``AuthorizationServer`` + ``ClientCredentialsGrant`` +
``RevocationEndpoint``), not our mock: token, caching, renewal after expiry, revocation.

The server runs in-process through httpx's WSGI transport (sync and async) and once over a
loopback socket (werkzeug). Its clock is a ``ManualClock`` shared with the client.
"""

from __future__ import annotations

import asyncio
import hmac
import secrets
import ssl
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, ClassVar

import httpx
import pytest
from authlib.oauth2.rfc6749 import (
    AuthorizationServer,
    ClientMixin,
    OAuth2Payload,
    OAuth2Request,
    TokenMixin,
)
from authlib.oauth2.rfc6749.grants import ClientCredentialsGrant
from authlib.oauth2.rfc6750 import BearerTokenGenerator
from authlib.oauth2.rfc7009 import RevocationEndpoint
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from mock_provider import ManualClock
from pytest_oauthcc import ClientCredentials

METHODS = ("client_secret_basic", "client_secret_post")
# Characters §2.3.1 makes the client form-encode: Authlib percent-decodes them back.
CLIENT_ID = "svc:reporting@example"
SECRET = "s3cr/et%+&=x y"
# One CA bundle load for every httpx client the tests make (each load costs ~90 ms).
SSL_CONTEXT = ssl.create_default_context()


@dataclass
class Client(ClientMixin):  # type: ignore[misc]
    client_id: str
    client_secret: str = field(repr=False)
    scope: str = "read write"

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str:
        return ""

    def get_allowed_scope(self, scope: str | None) -> str:
        allowed = self.scope.split()
        return " ".join(s for s in (scope or self.scope).split() if s in allowed)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return False

    def check_client_secret(self, client_secret: str) -> bool:
        return hmac.compare_digest(client_secret.encode(), self.client_secret.encode())

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method in METHODS

    def check_response_type(self, response_type: str) -> bool:
        return False

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "client_credentials"


@dataclass
class Token(TokenMixin):  # type: ignore[misc]
    access_token: str = field(repr=False)
    client_id: str
    scope: str
    issued_at: float
    expires_in: int
    clock: ManualClock = field(repr=False)
    revoked: bool = False

    def check_client(self, client: Client) -> bool:
        return client.client_id == self.client_id

    def get_scope(self) -> str:
        return self.scope

    def get_expires_in(self) -> int:
        return self.expires_in

    def is_expired(self) -> bool:
        return self.clock.time() >= self.issued_at + self.expires_in

    def is_revoked(self) -> bool:
        return self.revoked

    def get_user(self) -> None:
        return None

    def get_client(self) -> None:
        return None


class WerkzeugPayload(OAuth2Payload):  # type: ignore[misc]
    def __init__(self, request: Request) -> None:
        self._request = request

    @property
    def data(self) -> Any:
        return self._request.values

    @cached_property
    def datalist(self) -> dict[str, list[str]]:
        return {k: self._request.values.getlist(k) for k in self._request.values}


class WerkzeugRequest(OAuth2Request):  # type: ignore[misc]
    def __init__(self, request: Request) -> None:
        super().__init__(request.method, request.url, headers=request.headers)
        self._request = request
        self.payload = WerkzeugPayload(request)

    @property
    def args(self) -> Any:
        return self._request.args

    @property
    def form(self) -> Any:
        return self._request.form


class Grant(ClientCredentialsGrant):  # type: ignore[misc]
    TOKEN_ENDPOINT_AUTH_METHODS: ClassVar[list[str]] = list(METHODS)


class Revocation(RevocationEndpoint):  # type: ignore[misc]
    CLIENT_AUTH_METHODS: ClassVar[list[str]] = list(METHODS)

    def query_token(self, token_string: str, token_type_hint: str | None) -> Token | None:
        return self.server.tokens.get(token_string)  # type: ignore[no-any-return]

    def revoke_token(self, token: Token, request: Any) -> None:
        token.revoked = True


class AuthlibServer(AuthorizationServer):  # type: ignore[misc]
    """Authlib's authorization server plus a tiny bearer-protected API at ``/api``."""

    def __init__(self, clock: ManualClock, *, expires_in: int = 600) -> None:
        super().__init__(scopes_supported=["read", "write"])
        self.clock = clock
        self.clients = {CLIENT_ID: Client(CLIENT_ID, SECRET)}
        self.tokens: dict[str, Token] = {}
        self.log: list[tuple[str, int]] = []
        self.lock = threading.Lock()
        self.register_grant(Grant)
        self.register_endpoint(Revocation)
        self.register_token_generator(
            "default",
            BearerTokenGenerator(
                access_token_generator=lambda **kw: secrets.token_urlsafe(24),
                expires_generator=lambda client, grant_type: expires_in,
            ),
        )

    # -- what Authlib asks an integration to provide ----------------------------------

    def query_client(self, client_id: str) -> Client | None:
        return self.clients.get(client_id)

    def save_token(self, token: dict[str, Any], request: Any) -> None:
        self.tokens[token["access_token"]] = Token(
            token["access_token"],
            request.client.client_id,
            token.get("scope", ""),
            self.clock.time(),
            token["expires_in"],
            self.clock,
        )

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        pass

    def create_oauth2_request(self, request: Request) -> WerkzeugRequest:
        return WerkzeugRequest(request)

    def create_json_request(self, request: Request) -> WerkzeugRequest:
        return WerkzeugRequest(request)

    def handle_response(self, status: int, body: Any, headers: Any) -> Response:
        import json

        return Response(json.dumps(body) if isinstance(body, dict) else body, status, headers)

    # -- WSGI ------------------------------------------------------------------------------

    def api(self, request: Request) -> Response:
        scheme, _, value = request.headers.get("Authorization", "").partition(" ")
        token = self.tokens.get(value) if scheme.lower() == "bearer" else None
        if token is None or token.is_expired() or token.is_revoked():
            return Response(
                '{"error": "invalid_token"}',
                401,
                {"WWW-Authenticate": 'Bearer error="invalid_token"'},
                content_type="application/json",
            )
        return Response(
            f'{{"client_id": "{token.client_id}"}}', 200, content_type="application/json"
        )

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        request = Request(environ)
        with self.lock:
            if request.path == "/token":
                response = self.create_token_response(request)
            elif request.path == "/revoke":
                response = self.create_endpoint_response("revocation", request)
            else:
                response = self.api(request)
            self.log.append((request.path, response.status_code))
        return response(environ, start_response)  # type: ignore[no-any-return]

    def count(self, path: str) -> int:
        return sum(1 for p, _ in self.log if p == path)


class AsyncWSGITransport(httpx.AsyncBaseTransport):
    """httpx's WSGI transport is sync-only; the server does no I/O, so call it inline."""

    def __init__(self, app: AuthlibServer) -> None:
        self.inner = httpx.WSGITransport(app=app)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        response = self.inner.handle_request(request)
        return httpx.Response(
            response.status_code, headers=response.headers, content=response.read()
        )


@dataclass
class Setup:
    server: AuthlibServer
    base: str
    mode: str

    def auth(self, **options: Any) -> ClientCredentials:
        return ClientCredentials(
            f"{self.base}/token",
            CLIENT_ID,
            SECRET,
            revocation_url=f"{self.base}/revoke",
            clock=self.server.clock,
            **options,
        )

    def run(self, auth: ClientCredentials, steps: Callable[[Any], Any]) -> Any:
        """Run ``steps(http)`` with a sync client, or an async one (awaiting the result)."""
        if self.mode.endswith("async"):

            async def main() -> Any:
                transport = (
                    None if self.mode.startswith("socket") else AsyncWSGITransport(self.server)
                )
                async with httpx.AsyncClient(
                    auth=auth, transport=transport, verify=SSL_CONTEXT
                ) as http:
                    return await steps(http)

            return asyncio.run(main())
        transport = None if self.mode.startswith("socket") else httpx.WSGITransport(app=self.server)
        with httpx.Client(auth=auth, transport=transport, verify=SSL_CONTEXT) as http:
            return steps(http)


@pytest.fixture(params=["sync", "async", "socket-sync", "socket-async"])
def setup(request: pytest.FixtureRequest) -> Iterator[Setup]:
    server = AuthlibServer(ManualClock(1_800_000_000))
    if not request.param.startswith("socket"):
        yield Setup(server, "https://authlib.test", request.param)
        return
    http_server = make_server("127.0.0.1", 0, server, threaded=True)
    thread = threading.Thread(target=http_server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield Setup(server, f"http://127.0.0.1:{http_server.server_port}", request.param)
    finally:
        http_server.shutdown()
        thread.join(10)


async def _agather(*calls: Any) -> list[Any]:
    return [await c for c in calls]


def test_token_and_caching_with_authlib(setup: Setup) -> None:
    auth = setup.auth(scopes=["read"])

    def steps(http: Any) -> Any:
        calls = [http.get(f"{setup.base}/api") for _ in range(3)]
        return calls if not setup.mode.endswith("async") else _agather(*calls)

    responses = setup.run(auth, steps)
    assert [r.status_code for r in responses] == [200, 200, 200]
    assert responses[0].json() == {"client_id": CLIENT_ID}
    assert setup.server.count("/token") == 1
    token = next(iter(setup.server.tokens.values()))
    assert token.scope == "read"


@pytest.mark.parametrize("method", METHODS)
def test_both_auth_methods_with_authlib(setup: Setup, method: str) -> None:
    auth = setup.auth(auth_method=method)
    response = setup.run(auth, lambda http: http.get(f"{setup.base}/api"))
    assert response.status_code == 200


def test_renewal_after_expiry_with_authlib(setup: Setup) -> None:
    auth = setup.auth(renew_before=0)
    setup.run(auth, lambda http: http.get(f"{setup.base}/api"))
    setup.server.clock.advance(600)  # Authlib's token is now expired, and ours too
    response = setup.run(auth, lambda http: http.get(f"{setup.base}/api"))
    assert response.status_code == 200
    assert setup.server.count("/token") == 2
    assert auth.stats.renewals == 1
    assert [s for p, s in setup.server.log if p == "/api"] == [200, 200]


def test_revocation_with_authlib(setup: Setup) -> None:
    auth = setup.auth()
    setup.run(auth, lambda http: http.get(f"{setup.base}/api"))
    first = next(iter(setup.server.tokens.values()))
    revoke = auth.arevoke if setup.mode.endswith("async") else auth.revoke
    assert setup.run(auth, revoke) is True
    assert first.revoked
    assert auth.token_fingerprint is None
    response = setup.run(auth, lambda http: http.get(f"{setup.base}/api"))
    assert response.status_code == 200
    assert setup.server.count("/token") == 2


def test_server_side_revocation_leads_to_a_refetch_with_authlib(setup: Setup) -> None:
    auth = setup.auth()
    setup.run(auth, lambda http: http.get(f"{setup.base}/api"))
    next(iter(setup.server.tokens.values())).revoked = True
    response = setup.run(auth, lambda http: http.get(f"{setup.base}/api"))
    assert response.status_code == 200
    assert [s for p, s in setup.server.log if p == "/api"] == [200, 401, 200]


def test_authlib_refuses_a_wrong_secret_as_invalid_client(setup: Setup) -> None:
    from pytest_oauthcc import TokenEndpointError

    auth = ClientCredentials(f"{setup.base}/token", CLIENT_ID, "wrong", clock=setup.server.clock)
    with pytest.raises(TokenEndpointError) as caught:
        setup.run(auth, lambda http: http.get(f"{setup.base}/api"))
    assert (caught.value.error, caught.value.status) == ("invalid_client", 401)
