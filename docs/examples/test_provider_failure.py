"""Developers reproducing provider failures: script them on a real socket, watch the app."""

import pytest
import requests


def fetch_token(token_url: str) -> str:
    """The application code under test: a plain `requests` token fetch."""
    response = requests.post(
        token_url,
        data={"grant_type": "client_credentials"},
        auth=("demo-client", "demo-secret"),
        timeout=5,
    )
    response.raise_for_status()
    return response.json()["access_token"]


@pytest.mark.oauth_provider(faults=[{"endpoint": "token", "status": 502, "malformed": "html"}])
def test_a_gateway_error_page_is_an_http_error(oauth_server):
    with pytest.raises(requests.HTTPError, match="502 Server Error"):
        fetch_token(oauth_server.token_url)
    assert oauth_server.token_requests[0].status == 502


@pytest.mark.oauth_provider(faults=[{"endpoint": "token", "drop": True}])
def test_a_dropped_connection_is_a_connection_error(oauth_server):
    with pytest.raises(requests.ConnectionError):
        fetch_token(oauth_server.token_url)


def test_the_next_request_after_an_outage_succeeds(oauth_server):
    oauth_server.add_fault("token", status=503, retry_after=30)
    with pytest.raises(requests.HTTPError, match="503"):
        fetch_token(oauth_server.token_url)
    assert fetch_token(oauth_server.token_url)
    assert [r.status for r in oauth_server.token_requests] == [503, 200]
    # what the app sent, secrets redacted:
    assert oauth_server.token_requests[0].headers["authorization"] == "Basic <redacted>"
