"""ClientCredentials stays an ``httpx2.Auth`` when httpx2 is imported afresh (pytester's
in-process runs restore ``sys.modules``, so a module first imported inside one is dropped)."""

from __future__ import annotations

import sys

import pytest

from pytest_oauthcc import ClientCredentials


def test_a_fresh_httpx2_module_gets_its_own_twin(monkeypatch: pytest.MonkeyPatch) -> None:
    httpx2 = pytest.importorskip("httpx2")
    before = ClientCredentials("https://as.test/token", "id", "secret")
    assert isinstance(before, httpx2.Auth)
    for name in [m for m in sys.modules if m == "httpx2" or m.startswith("httpx2.")]:
        monkeypatch.delitem(sys.modules, name)
    import httpx2 as fresh

    assert fresh.Auth is not httpx2.Auth
    after = ClientCredentials("https://as.test/token", "id", "secret")
    assert isinstance(after, fresh.Auth)
    assert type(after).__name__ == "ClientCredentials"
