"""The typed keyword views of the provider's scripting calls name exactly the options their
definitions take, so a type checker accepts what the provider accepts and no more."""

from __future__ import annotations

import inspect
from typing import Any

import pytest

from mock_provider import MockProvider, ProviderServer
from mock_provider.faults.fault import FAULT_OPTIONS
from mock_provider.faults.keywords import (
    ClientOptions,
    FaultOptions,
    QuirkOptions,
    ResourceOptions,
    ServeOptions,
)
from mock_provider.faults.quirks import QUIRK_OPTIONS
from mock_provider.state.clients import ClientRegistry
from mock_provider.state.records import CLIENT_OPTIONS


def _keywords(function: Any, *, leave: set[str]) -> list[str]:
    parameters = inspect.signature(function).parameters.values()
    return [p.name for p in parameters if p.kind is p.KEYWORD_ONLY and p.name not in leave]


# The client's key options are explicit parameters of add_client, so only the rest is typed.
CLIENT_EXPLICIT = {"client_id", "client_secret", "jwks", "jwks_uri", "auth_methods"}


@pytest.mark.parametrize(
    ("typed", "defined"),
    [
        pytest.param(FaultOptions, [n for n in FAULT_OPTIONS if n != "endpoint"], id="add_fault"),
        pytest.param(QuirkOptions, list(QUIRK_OPTIONS), id="set_quirks"),
        pytest.param(
            ClientOptions, [n for n in CLIENT_OPTIONS if n not in CLIENT_EXPLICIT], id="add_client"
        ),
        pytest.param(
            ResourceOptions, _keywords(ClientRegistry.add_resource, leave=set()), id="add_resource"
        ),
        pytest.param(ServeOptions, _keywords(ProviderServer.__init__, leave=set()), id="serve"),
    ],
)
def test_the_typed_keywords_are_the_defined_options(typed: type, defined: list[str]) -> None:
    assert list(typed.__annotations__) == defined


def test_add_clients_explicit_keywords_are_client_options_too() -> None:
    explicit = _keywords(MockProvider.add_client, leave={"jwks_transport"})
    assert set(explicit) <= set(CLIENT_OPTIONS)


def test_a_typo_is_still_pythons_own_type_error_at_run_time() -> None:
    with pytest.raises(TypeError, match="stauts"):
        MockProvider().add_fault("token", stauts=503)  # type: ignore[call-arg]
