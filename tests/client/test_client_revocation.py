"""Revocation (RFC 7009) with the same client authentication, and local invalidation."""

from __future__ import annotations

import pytest

from mock_provider import fingerprint
from pytest_oauthcc import ClientConfigurationError, RevocationError

from .conftest import World


@pytest.mark.parametrize("method", ["client_secret_basic", "client_secret_post"])
def test_rfc7009_2_1_revoke_uses_the_same_client_auth_and_drops_the_cache(
    world: World, method: str
) -> None:
    auth = world.make(auth_method=method)
    world.get(auth)
    value = world.provider.tokens[0].value
    assert world.revoke(auth) is True
    assert auth.token_fingerprint is None
    issued = world.provider.find_token(value)
    assert issued is not None
    assert issued.revoked
    revoke = world.provider.find_requests(endpoint="revoke")[0]
    assert (revoke.auth_method, revoke.status, revoke.token) == (method, 200, fingerprint(value))
    assert revoke.form["token_type_hint"] == "access_token"
    # The next request fetches a new token; the revoked one is never sent again.
    assert world.get(auth).status_code == 200
    assert len(world.provider.token_requests) == 2
    assert world.provider.requests_with_token(value)[-1].endpoint == "revoke"


def test_revoke_with_nothing_cached_sends_nothing(local: World) -> None:
    assert local.revoke(local.make()) is False
    assert local.provider.requests == []


def test_revoke_needs_a_revocation_url(local: World) -> None:
    auth = local.make(revocation_url=None)
    local.get(auth)
    with pytest.raises(ClientConfigurationError, match="pass revocation_url="):
        local.revoke(auth)


def test_rfc7009_2_2_1_refusal_is_a_typed_error_and_the_token_is_dropped(local: World) -> None:
    auth = local.make()
    local.get(auth)
    fp = auth.token_fingerprint
    local.provider.add_fault("revoke", times=1, error="unsupported_token_type", status=400)
    with pytest.raises(RevocationError) as caught:
        local.revoke(auth)
    assert (caught.value.status, caught.value.error) == (400, "unsupported_token_type")
    assert str(caught.value) == (
        f"the revocation endpoint answered HTTP 400 error=unsupported_token_type; "
        f"token {fp} was dropped locally"
    )
    assert auth.token_fingerprint is None


def test_unreachable_revocation_endpoint(local: World) -> None:
    auth = local.make()
    local.get(auth)
    local.provider.add_fault("revoke", times=1, drop=True)
    with pytest.raises(RevocationError, match=r"could not be reached \(ReadError\)") as caught:
        local.revoke(auth)
    assert caught.value.status is None
