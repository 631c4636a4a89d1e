"""requests answered in-process: every Session, faults as requests' own exceptions, and the
user's own responses / requests-mock mocks beside the provider."""

from __future__ import annotations

import re
import threading

import pytest
import requests
import requests_mock
import responses
from requests.adapters import BaseAdapter

from mock_provider import MockProvider
from mock_provider.transport.requests import ProviderAdapter

from .conftest import CLIENT_ID, CLIENT_SECRET, TOKEN_FORM, clear_once_fired


def _token(
    provider: MockProvider,
    session: requests.Session | None = None,
    timeout: float | tuple[float, float] = 5,
) -> requests.Response:
    """A client-credentials token request from a fresh Session, as a library sends it."""
    http = session or requests.Session()
    return http.post(
        provider.token_url, data=TOKEN_FORM, auth=(CLIENT_ID, CLIENT_SECRET), timeout=timeout
    )


def test_token_then_me_answered_in_process(provider: MockProvider) -> None:
    token = _token(provider)
    assert token.status_code == 200
    assert token.headers["cache-control"] == "no-store"
    access = token.json()["access_token"]
    me = requests.get(provider.me_url, headers={"Authorization": f"Bearer {access}"}, timeout=5)
    assert me.status_code == 200
    assert me.json()["client_id"] == CLIENT_ID
    assert [(r.endpoint, r.status) for r in provider.requests] == [("token", 200), ("me", 200)]


def test_a_session_a_library_builds_itself_is_reached(provider: MockProvider) -> None:
    from oauthlib.oauth2 import BackendApplicationClient
    from requests_oauthlib import OAuth2Session

    session = OAuth2Session(client=BackendApplicationClient(client_id=CLIENT_ID))
    token = session.fetch_token(provider.token_url, client_secret=CLIENT_SECRET)
    assert session.get(provider.me_url).json()["client_id"] == CLIENT_ID
    assert token["token_type"] == "Bearer"
    assert provider.token_requests[0].client_id == CLIENT_ID


def test_recording_is_redacted(provider: MockProvider) -> None:
    _token(provider)
    (recorded,) = provider.token_requests
    assert recorded.auth_method == "client_secret_basic"
    assert CLIENT_SECRET not in repr(recorded)
    assert CLIENT_SECRET not in repr(recorded.headers)


def test_rfc6749_5_2_error_fault_with_retry_after(provider: MockProvider) -> None:
    provider.add_fault("token", status=503, error="temporarily_unavailable", retry_after=7)
    refused, ok = _token(provider), _token(provider)
    assert refused.status_code == 503
    assert refused.reason == "Service Unavailable"
    assert refused.headers["retry-after"] == "7"
    assert refused.json()["error"] == "temporarily_unavailable"
    assert ok.status_code == 200


def test_malformed_body(provider: MockProvider) -> None:
    provider.add_fault("token", malformed="truncated_json")
    response = _token(provider)
    with pytest.raises(requests.JSONDecodeError):
        response.json()


def test_drop_is_a_connection_error(provider: MockProvider) -> None:
    provider.add_fault("token", drop=True)
    with pytest.raises(requests.ConnectionError, match="Connection aborted") as caught:
        _token(provider)
    assert not isinstance(caught.value, requests.Timeout)
    assert [r.status for r in provider.token_requests] == [0]


def test_delay_past_the_read_timeout_is_a_read_timeout(provider: MockProvider) -> None:
    provider.add_fault("token", delay=30)
    with pytest.raises(requests.ReadTimeout, match=r"read timeout=0\.05"):
        _token(provider, timeout=(5, 0.05))


def test_a_delay_is_cut_short_when_faults_are_cleared(provider: MockProvider) -> None:
    fault = provider.add_fault("token", delay=30)
    answers: list[int] = []
    worker = threading.Thread(target=lambda: answers.append(_token(provider).status_code))
    worker.start()
    clear_once_fired(provider, fault, worker)
    assert answers == [200]


def test_quirk(provider: MockProvider) -> None:
    provider.set_quirks(expires_in_as="string", token_type="bearer")
    body = _token(provider).json()
    assert body["expires_in"] == "3600"
    assert body["token_type"] == "bearer"


def test_other_hosts_pass_through(provider: MockProvider, elsewhere: str) -> None:
    assert requests.get(elsewhere, timeout=5).text == "elsewhere"
    assert provider.requests == []


def test_an_adapter_the_user_mounted_wins(provider: MockProvider) -> None:
    class Refusing(BaseAdapter):
        def send(self, request, **kwargs):  # type: ignore[no-untyped-def]
            raise requests.ConnectionError("the user's own adapter")

        def close(self) -> None:
            pass

    session = requests.Session()
    session.mount(provider.url, Refusing())
    with pytest.raises(requests.ConnectionError, match="the user's own adapter"):
        _token(provider, session)
    assert provider.requests == []


def test_the_adapter_can_be_mounted_by_hand() -> None:
    other = MockProvider("https://by-hand.test")
    other.add_client(CLIENT_ID, CLIENT_SECRET)
    session = requests.Session()
    session.mount(other.url, ProviderAdapter(other))
    response = session.post(other.token_url, data=TOKEN_FORM, auth=(CLIENT_ID, CLIENT_SECRET))
    assert response.status_code == 200


@responses.activate
def test_beside_responses(provider: MockProvider) -> None:
    responses.get("https://api.example.test/users", json={"users": []})
    assert _token(provider).status_code == 200
    assert requests.get("https://api.example.test/users", timeout=5).json() == {"users": []}
    assert len(responses.calls) == 1


def test_beside_requests_mock_through_its_pass_through(provider: MockProvider) -> None:
    with requests_mock.Mocker() as users_mock:
        users_mock.get("https://api.example.test/users", json={"users": []})
        users_mock.register_uri(
            requests_mock.ANY, re.compile(re.escape(provider.url)), real_http=True
        )
        assert _token(provider).status_code == 200
        assert requests.get("https://api.example.test/users", timeout=5).json() == {"users": []}
    assert [r.endpoint for r in provider.requests] == ["token"]


def test_rfc6750_3_1_a_401_from_the_api_keeps_its_challenge(provider: MockProvider) -> None:
    me = requests.get(provider.me_url, headers={"Authorization": "Bearer nope"}, timeout=5)
    assert me.status_code == 401
    assert me.reason == "Unauthorized"
    assert me.headers["www-authenticate"].startswith('Bearer realm="mock-oauth"')
    assert 'error="invalid_token"' in me.headers["www-authenticate"]
