"""The client's settings: one frozen object, built and validated once, secret-free in repr."""

from __future__ import annotations

import dataclasses
import inspect

import httpx
import pytest

from pytest_oauthcc import ClientConfigurationError, ClientCredentials
from pytest_oauthcc.client import ClientSettings

from .conftest import SECRET

TOKEN_URL = "https://auth.example.com/oauth/token"


def test_the_client_reads_one_frozen_settings_object() -> None:
    auth = ClientCredentials(
        TOKEN_URL, "app", SECRET, scopes=["read", "read", "write"], expires_in_unit="ms"
    )
    settings = auth.settings
    assert isinstance(settings, ClientSettings)
    assert settings.token_url == httpx.URL(TOKEN_URL)
    assert settings.scopes == ("read", "write") == auth.scopes
    assert settings.expires_in_unit == 0.001
    assert settings.cache_key == auth.cache_key
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.client_id = "other"  # type: ignore[misc]


def test_settings_repr_never_shows_the_secret() -> None:
    settings = ClientSettings.build(TOKEN_URL, "app", SECRET, extra_params={"tenant": "t1"})
    assert SECRET not in repr(settings)
    assert "client_id='app'" in repr(settings)


def test_build_takes_exactly_the_clients_arguments() -> None:
    client = inspect.signature(ClientCredentials.__init__).parameters
    build = inspect.signature(ClientSettings.build).parameters
    theirs = [(p.name, p.kind, p.default) for p in client.values() if p.name != "self"]
    ours = [(p.name, p.kind, p.default) for p in build.values()]
    assert ours == theirs


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        pytest.param({"on_401": "sometimes"}, "on_401 must be one of", id="on_401"),
        pytest.param({"expires_in_unit": "h"}, "expires_in_unit must be 's' or 'ms'", id="unit"),
        pytest.param({"renew_before": -1}, "renew_before must be a number", id="renew_before"),
    ],
)
def test_build_refuses_what_the_client_refuses(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ClientConfigurationError, match=message) as from_build:
        ClientSettings.build(TOKEN_URL, "app", SECRET, **kwargs)  # type: ignore[arg-type]
    with pytest.raises(ClientConfigurationError) as from_client:
        ClientCredentials(TOKEN_URL, "app", SECRET, **kwargs)  # type: ignore[arg-type]
    assert str(from_build.value) == str(from_client.value)
