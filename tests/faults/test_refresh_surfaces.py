"""Refresh-token options are client options: one definition reaches the Python API, the
marker, scenario files, the control API and its OpenAPI document."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from mock_provider import MockProvider
from mock_provider.control.openapi import openapi_document
from mock_provider.scenario import load_scenario

GRANT = {"grant_type": "client_credentials"}
REFRESH_OPTIONS = {"refresh_tokens", "rotate_refresh_tokens", "refresh_token_expires_in"}


def _rotates(http: httpx.Client, auth: tuple[str, str]) -> None:
    first = http.post("/oauth/token", data=GRANT, auth=auth).json()
    data = {"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}
    second = http.post("/oauth/token", data=data, auth=auth).json()
    assert second["refresh_token"] != first["refresh_token"]
    assert http.post("/oauth/token", data=data, auth=auth).json()["error"] == "invalid_grant"


def test_the_control_api_registers_a_client_that_gets_refresh_tokens() -> None:
    provider = MockProvider(control=True)
    with httpx.Client(transport=provider.transport(), base_url=provider.url) as http:
        added = http.post(
            "/_mock/clients",
            json={
                "client_id": "svc",
                "client_secret": "svc-secret-0123",
                "refresh_tokens": True,
                "rotate_refresh_tokens": True,
                "refresh_token_expires_in": 3600,
            },
        )
        assert added.status_code == 201
        assert {k: added.json()[k] for k in REFRESH_OPTIONS} == {
            "refresh_tokens": True,
            "rotate_refresh_tokens": True,
            "refresh_token_expires_in": 3600,
        }
        _rotates(http, ("svc", "svc-secret-0123"))
        wrong = http.post(
            "/_mock/clients",
            json={"client_id": "x", "client_secret": "x", "refresh_tokens": "yes"},
        )
    assert wrong.json()["message"] == "refresh_tokens: expected boolean but got str 'yes'"


def test_the_openapi_document_describes_the_refresh_options() -> None:
    document = openapi_document("https://mock.test")
    schemas = [
        op["requestBody"]["content"]["application/json"]["schema"]
        for path in document["paths"].values()
        for op in path.values()
        if isinstance(op, dict) and "requestBody" in op
    ]
    client = next(s for s in schemas if "client_secret" in s.get("properties", {}))
    assert set(client["properties"]) >= REFRESH_OPTIONS
    assert client["properties"]["refresh_tokens"]["type"] == "boolean"


def test_a_scenario_registers_a_client_that_gets_refresh_tokens(tmp_path: Path) -> None:
    path = tmp_path / "refresh.yaml"
    path.write_text(
        "clients:\n"
        "  - client_id: svc\n"
        "    client_secret: svc-secret-0123\n"
        "    refresh_tokens: true\n"
        "    rotate_refresh_tokens: true\n"
    )
    provider = MockProvider()
    load_scenario(path).apply(provider)
    with httpx.Client(transport=provider.transport(), base_url=provider.url) as http:
        _rotates(http, ("svc", "svc-secret-0123"))


def test_a_scenario_refuses_a_refresh_lifetime_without_refresh_tokens(tmp_path: Path) -> None:
    from mock_provider.scenario import ScenarioError

    path = tmp_path / "refresh.yaml"
    path.write_text(
        "clients:\n  - client_id: svc\n    client_secret: s\n    refresh_token_expires_in: 60\n"
    )
    with pytest.raises(ScenarioError) as excinfo:
        load_scenario(path)
    assert str(excinfo.value).endswith(
        "key 'clients[0].refresh_tokens': rotation and lifetime of refresh tokens need "
        "refresh_tokens=True"
    )


def test_the_marker_registers_a_client_that_gets_refresh_tokens(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import httpx
        import pytest

        @pytest.mark.oauth_provider(clients=[
            {"client_id": "svc", "client_secret": "svc-secret", "refresh_tokens": True},
        ])
        def test_refresh(oauth_provider):
            auth = ("svc", "svc-secret")
            url = oauth_provider.token_url
            first = httpx.post(url, data={"grant_type": "client_credentials"}, auth=auth).json()
            data = {"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}
            second = httpx.post(url, data=data, auth=auth)
            assert second.status_code == 200
            assert "refresh_token" not in second.json()
        """
    )
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)
