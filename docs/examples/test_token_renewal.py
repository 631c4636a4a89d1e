"""Library authors: a token-renewal test with the oauth_provider fixtures and marker."""

import pytest


@pytest.mark.oauth_provider(expires_in=300)
def test_the_client_renews_an_expired_token(oauth_client, oauth_provider):
    assert oauth_client.get("/api/me").status_code == 200
    oauth_provider.clock.advance(300)  # the token expires; nothing sleeps
    assert oauth_client.get("/api/me").status_code == 200
    assert len(oauth_provider.token_requests) == 2


def test_the_client_recovers_from_a_revoked_token(oauth_client, oauth_provider):
    oauth_client.get("/api/me")
    oauth_provider.revoke_all()  # e.g. the provider rotated its keys
    assert oauth_client.get("/api/me").status_code == 200
    assert [r.status for r in oauth_provider.requests if r.endpoint == "me"] == [200, 401, 200]


@pytest.mark.parametrize(
    "quirks",
    [
        pytest.param({"expires_in_as": "string"}, id="expires_in-as-string"),
        pytest.param({"token_type": "bearer"}, id="lower-case-bearer"),
        pytest.param({"response_charset": True}, id="json-with-charset"),
    ],
)
def test_the_client_copes_with_real_provider_quirks(oauth_client, oauth_provider, quirks):
    oauth_provider.set_quirks(**quirks)
    assert oauth_client.get("/api/me").status_code == 200
    oauth_provider.clock.advance(3600)
    assert oauth_client.get("/api/me").status_code == 200
    assert len(oauth_provider.token_requests) == 2
