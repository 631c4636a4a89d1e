"""Fixtures for the conformance suite: one provider per test, reached in-process."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from urllib.parse import quote_plus

import httpx
import pytest

from mock_provider import ManualClock, MockProvider

NOW = 1_700_000_000
CLIENT_ID = "conformance-client"
CLIENT_SECRET = "conformance-secret-0123456789"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
# The two invalid_client descriptions (RFC 6749 §5.2), pinned whole for every endpoint that
# authenticates clients (token, revocation, introspection).
AUTH_REQUIRED_DESCRIPTION = (
    "client authentication is required: send HTTP Basic credentials "
    "(client_secret_basic) or client_id and client_secret in the body (client_secret_post)"
)
AUTH_FAILED_DESCRIPTION = "client authentication failed: unknown client_id or wrong client_secret"
NO_STORE_JSON = {
    "content-type": "application/json",
    "cache-control": "no-store",
    "pragma": "no-cache",
}


def basic(client_id: str = CLIENT_ID, client_secret: str = CLIENT_SECRET) -> str:
    """An RFC 6749 §2.3.1 Basic header value: each part form-urlencoded, then base64."""
    raw = f"{quote_plus(client_id)}:{quote_plus(client_secret)}".encode()
    return "Basic " + base64.b64encode(raw).decode()


def headers_of(response: httpx.Response) -> dict[str, str]:
    """The response headers as a plain dict, minus Content-Length (asserted by httpx)."""
    return {k: v for k, v in response.headers.items() if k != "content-length"}


def error_headers(challenge: str | None = None) -> dict[str, str]:
    """The headers every RFC 6749 §5.2 error response carries."""
    headers = dict(NO_STORE_JSON)
    if challenge is not None:
        headers["www-authenticate"] = challenge
    return headers


BASIC_CHALLENGE = 'Basic realm="mock-oauth", charset="UTF-8"'


@pytest.fixture
def provider() -> MockProvider:
    """A provider on a fixed manual clock with one client allowed scopes read and write."""
    provider = MockProvider(clock=ManualClock(NOW))
    provider.add_client(CLIENT_ID, CLIENT_SECRET, scopes=("read", "write"))
    return provider


@pytest.fixture
def http(provider: MockProvider) -> Iterator[httpx.Client]:
    """An httpx client answered by ``provider`` in-process."""
    with httpx.Client(transport=provider.transport(), base_url=provider.url) as client:
        yield client


def fetch_token(http: httpx.Client, **form: str) -> str:
    """Obtain an access token for the default client (client_secret_basic)."""
    data = {"grant_type": "client_credentials", **form}
    response = http.post("/oauth/token", data=data, headers={"Authorization": basic()})
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token
