"""A step a static rule failed sends nothing, in mock mode as in live mode (docs: "Checked
before any request is sent"); the steps that need its answer are skipped."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from mock_provider import MockProvider
from pytest_oauthcc import Connection
from pytest_oauthcc.connection.steps import session as session_module

BROKEN = Path(__file__).parent / "broken"


@pytest.fixture
def mock_providers(monkeypatch: pytest.MonkeyPatch) -> list[MockProvider]:
    """The providers mock mode builds, to read what reached them."""
    built: list[MockProvider] = []
    real = session_module.build_mock

    def spy(*args: object, **kwargs: object) -> session_module.MockSetup:
        setup = real(*args, **kwargs)  # type: ignore[arg-type]
        built.append(setup.provider)
        return setup

    monkeypatch.setattr(session_module, "build_mock", spy)
    return built


def test_a_plain_http_token_url_sends_no_token_request_to_the_mock(
    mock_providers: list[MockProvider],
) -> None:
    result = Connection.load(BROKEN / "token--plain-http.oauthcc.yaml").check()
    (provider,) = mock_providers
    assert provider.requests == []
    token = result["token"]
    assert (token.status, token.line, token.transcript) == ("fail", 7, ())
    assert token.reason == (
        "token.url: http://auth.example.com/oauth/token must use HTTPS (RFC 6749 §3.2)"
    )
    assert result["test"].reason == "skipped: no token (the token step failed)"
    assert result["allowed_domains"].status == "pass"  # proven without sending anything


def test_a_plain_http_test_url_sends_no_api_call_to_the_mock(
    mock_providers: list[MockProvider],
) -> None:
    result = Connection.load(BROKEN / "test--plain-http.oauthcc.yaml").check()
    (provider,) = mock_providers
    assert {r.endpoint for r in provider.requests} == {"token"}
    assert (
        result["test"].reason
        == "test.url: http://api.example.com/v1/me must use HTTPS (RFC 6749 §3.2)"
    )
    assert result["label"].status == "pass"
    assert (result["unique_id"].status, result["unique_id"].reason) == (
        "skip",
        "skipped: the test step was not sent",
    )
    assert result["token"].status == "pass"


def test_live_mode_sends_nothing_for_a_withheld_step() -> None:
    sent: list[str] = []

    def network(request: httpx.Request) -> httpx.Response:
        sent.append(str(request.url))
        return httpx.Response(500)

    result = Connection.load(BROKEN / "token--plain-http.oauthcc.yaml").check(
        live=True,
        environ={"OAUTHCC_BROKEN_CLIENT_ID": "app", "OAUTHCC_BROKEN_CLIENT_SECRET": "s3cret-1"},
        transport=httpx.MockTransport(network),
    )
    assert sent == []
    assert [s.step for s in result.steps if s.status == "fail"] == ["token"]
