"""No client secret or access token in the provider's logs, recordings, reprs or errors."""

from __future__ import annotations

import base64
import json
import logging
import socket
from typing import Any
from urllib.parse import quote_plus, urlsplit

import httpx
import pytest

from mock_provider import ManualClock, MockProvider, OAuthError
from mock_provider.protocol.http import Headers
from mock_provider.protocol.rfc6749 import presented_credentials

SECRET = "s3cr3t-Value+with/odd chars é"
WRONG = "wr0ng-Secret-attempt-98765"
ME = {"app": {"id": "app-1", "name": "Demo"}}


def _basic(secret: str) -> dict[str, str]:
    # RFC 6749 §2.3.1: form-urlencode id and secret before Basic (httpx's auth= does not).
    raw = f"leaky:{quote_plus(secret)}".encode()
    return {"Authorization": "Basic " + base64.b64encode(raw).decode()}


def _boom(token: Any, client: Any) -> Any:
    raise RuntimeError("resource handler failed")


def _exercise(provider: MockProvider, http: httpx.Client) -> list[str]:
    """Drive every endpoint through success and refusal; return the tokens issued."""
    grant = {"grant_type": "client_credentials"}
    tokens = []
    for auth in ("basic", "post"):
        if auth == "basic":
            response = http.post(provider.token_url, data=grant, headers=_basic(SECRET))
        else:
            data = {**grant, "client_id": "leaky", "client_secret": SECRET}
            response = http.post(provider.token_url, data=data)
        assert response.status_code == 200
        tokens.append(response.json()["access_token"])
    first, second = tokens
    bearer = {"Authorization": f"Bearer {first}"}
    assert http.get(provider.me_url, headers=bearer).status_code == 200
    assert http.get(provider.resource_url("boom"), headers=bearer).status_code == 500
    assert http.post(provider.token_url, data=grant, headers=_basic(WRONG)).status_code == 401
    both = {**grant, "client_secret": SECRET}
    assert http.post(provider.token_url, data=both, headers=_basic(SECRET)).status_code == 400
    query = http.post(
        provider.token_url, params={"client_id": "leaky", "client_secret": SECRET}, data=grant
    )
    assert query.status_code == 400
    introspect = {"token": first}
    assert http.post(provider.introspection_url, data=introspect, headers=_basic(SECRET)).json()[
        "active"
    ]
    assert http.get(provider.me_url, params={"access_token": second}).status_code == 400
    assert http.post(provider.revocation_url, data={"token": first}, headers=_basic(SECRET))
    assert http.get(provider.me_url, headers=bearer).status_code == 401
    malformed = {"Authorization": f"Bearer {second} extra"}
    assert http.get(provider.me_url, headers=malformed).status_code == 400
    return tokens


def _provider(token_format: str = "opaque") -> MockProvider:
    provider = MockProvider(clock=ManualClock(1_700_000_000), token_format=token_format)
    provider.add_client("leaky", SECRET, scopes=("read",), me=ME)
    provider.add_resource("boom", "/api/boom", body=_boom)
    return provider


def _assert_nothing_leaks(
    provider: MockProvider,
    caplog: pytest.LogCaptureFixture,
    captured: pytest.CaptureResult[str],
    tokens: list[str],
) -> None:
    secrets = [SECRET, WRONG, *tokens]
    # What the provider said: every log record, fully formatted with its traceback. The
    # test's own httpx client logs the URLs it requests (a query token included): that is
    # the client's log, not the provider's, so httpx and httpcore records are left out.
    formatter = logging.Formatter()
    logged = "\n".join(
        formatter.format(r) for r in caplog.records if not r.name.startswith(("httpx", "httpcore"))
    )
    assert "mock provider failed on GET boom" in logged  # the server-error path ran
    assert "Traceback" in logged
    recorded = json.dumps([r.to_json() for r in provider.requests])
    shown = "\n".join([str(r) for r in provider.requests] + [repr(r) for r in provider.requests])
    reprs = repr(provider) + repr(provider.clients) + repr(provider.tokens)
    for secret in secrets:
        encoded = base64.b64encode(f"leaky:{quote_plus(secret)}".encode()).decode()
        for surface, text in [
            ("log", logged),
            ("recording", recorded),
            ("recording str/repr", shown),
            ("repr", reprs),
            ("stdout", captured.out),
            ("stderr", captured.err),
        ]:
            assert secret not in text, f"a secret or token leaked into the {surface}"
            assert encoded not in text, f"a base64 secret leaked into the {surface}"
            assert quote_plus(secret) not in text, f"an encoded secret leaked into the {surface}"
    # The recordings still say what happened, with fingerprints instead of values.
    statuses = [r.status for r in provider.requests]
    assert 500 in statuses
    assert provider.requests[0].headers["authorization"] == "Basic <redacted>"
    assert provider.requests[1].form["client_secret"] == "<redacted>"


@pytest.mark.parametrize("token_format", ["opaque", "jwt"])
def test_in_process_logs_and_recordings_hold_no_secret(
    caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str], token_format: str
) -> None:
    caplog.set_level(logging.DEBUG)
    provider = _provider(token_format)
    with httpx.Client(transport=provider.transport()) as http:
        tokens = _exercise(provider, http)
    _assert_nothing_leaks(provider, caplog, capfd.readouterr(), tokens)


def test_socket_server_logs_and_recordings_hold_no_secret(
    caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.DEBUG)
    provider = _provider()
    with provider.serve() as server, httpx.Client(timeout=5) as http:
        tokens = _exercise(provider, http)
        # An unparseable request line carrying the secret: refused before the app runs.
        parts = urlsplit(server.url)
        assert parts.hostname is not None
        assert parts.port is not None
        with socket.create_connection((parts.hostname, parts.port), timeout=5) as conn:
            conn.sendall(f"BAD /oauth/token?client_secret={SECRET}\r\n\r\n".encode())
            conn.shutdown(socket.SHUT_WR)
            while conn.recv(65536):
                pass
    _assert_nothing_leaks(provider, caplog, capfd.readouterr(), tokens)


def test_errors_and_credentials_reprs_hold_no_secret() -> None:
    basic = "Basic " + base64.b64encode(f"leaky:{WRONG}".encode()).decode()
    creds = presented_credentials(Headers([("Authorization", basic)]), {}, {}, realm="r")
    assert WRONG not in repr(creds)
    assert "<redacted>" in repr(creds)
    provider = _provider()
    issued = provider.issue_token("leaky")
    assert issued.value not in repr(issued)
    assert SECRET not in repr(provider.client("leaky"))
    error = OAuthError("invalid_client", "client authentication failed")
    assert str(error) == "invalid_client: client authentication failed"
