"""Scopes drawn for valid configs are never read as a placeholder by the config loader."""

from __future__ import annotations

import pytest

from pytest_oauthcc.strategies._configs import _config_scope


@pytest.mark.parametrize("scope", ["{{", "}}", "a}}", "{{b", "read}}write"])
def test_a_brace_pair_is_never_a_valid_config_scope(scope: str) -> None:
    # The loader refuses "unbalanced '{{' or '}}' in the value" (hypothesis found '}}').
    assert _config_scope(scope) is False


def test_an_ordinary_scope_is_a_valid_config_scope() -> None:
    assert _config_scope("orders:read") is True
