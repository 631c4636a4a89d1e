"""RFC 6749 §2.3.1: a client id and secret containing ``: % + / space é``, through real clients.

§2.3.1 says the id and secret are each form-urlencoded (Appendix B) *before* HTTP Basic
encoding. For ``client_secret_post`` every library tested encodes correctly. For
``client_secret_basic`` none of them does (checked with Authlib 1.9, requests 2.34 /
requests-oauthlib 2.0, httpx 0.28 / httpx-auth 0.23):

- Authlib (``encode_client_secret_basic``) and requests (``HTTPBasicAuth``, used by
  requests-oauthlib) join the raw values and encode them as latin-1, so ``é`` is not even
  UTF-8;
- httpx (``auth=(id, secret)``, used by httpx-auth) joins the raw values as UTF-8, so the
  ``:`` in the id splits it in the wrong place and ``+`` decodes to a space.

The provider decodes as the RFC says, so those raw headers are refused with
``invalid_client`` (asserted below). Handing the library pre-encoded credentials
(``quote_plus``) produces the RFC form and works. ``MockProvider(basic_form_encoded=False)``
accepts the raw form, for testing a client that is known to send it.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote_plus

import httpx
import httpx_auth
import pytest
from authlib.integrations.base_client import OAuthError as AuthlibOAuthError
from authlib.integrations.requests_client import OAuth2Session as AuthlibSession
from oauthlib.oauth2 import BackendApplicationClient, InvalidClientError
from requests_oauthlib import OAuth2Session

from mock_provider import MockProvider

SPECIAL_ID = "id: %+/ é"
SPECIAL_SECRET = "se:cret %+/ é"
NOT_UTF8 = "the Basic credentials are not valid base64 of UTF-8 text (RFC 7617 section 2)"
NO_MATCH = "client authentication failed: unknown client_id or wrong client_secret"


@pytest.fixture
def provider(monkeypatch: pytest.MonkeyPatch) -> Iterator[MockProvider]:
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")  # loopback http for oauthlib
    provider = MockProvider()
    provider.add_client(SPECIAL_ID, SPECIAL_SECRET, scopes=("read",))
    with provider.serve():
        yield provider
    httpx_auth.OAuth2.token_cache.clear()


def _me_client_id(provider: MockProvider, access_token: str) -> str:
    me = httpx.get(provider.me_url, headers={"Authorization": f"Bearer {access_token}"}, timeout=5)
    assert me.status_code == 200
    client_id: str = me.json()["client_id"]
    return client_id


def _authlib(provider: MockProvider, method: str, client_id: str, secret: str) -> str:
    with AuthlibSession(client_id, secret, token_endpoint_auth_method=method) as session:
        token = session.fetch_token(provider.token_url, grant_type="client_credentials", timeout=5)
    return str(token["access_token"])


def _requests_oauthlib(provider: MockProvider, post: bool, client_id: str, secret: str) -> str:
    with OAuth2Session(client=BackendApplicationClient(client_id=client_id)) as session:
        token = session.fetch_token(
            token_url=provider.token_url,
            client_id=client_id,
            client_secret=secret,
            include_client_id=post,
            timeout=5,
        )
    return str(token["access_token"])


def test_rfc6749_2_3_1_authlib_client_secret_post(provider: MockProvider) -> None:
    token = _authlib(provider, "client_secret_post", SPECIAL_ID, SPECIAL_SECRET)
    assert _me_client_id(provider, token) == SPECIAL_ID
    assert provider.token_requests[-1].auth_method == "client_secret_post"


def test_rfc6749_2_3_1_requests_oauthlib_client_secret_post(provider: MockProvider) -> None:
    token = _requests_oauthlib(provider, True, SPECIAL_ID, SPECIAL_SECRET)
    assert _me_client_id(provider, token) == SPECIAL_ID


def test_rfc6749_2_3_1_authlib_basic_with_pre_encoded_credentials(provider: MockProvider) -> None:
    token = _authlib(
        provider, "client_secret_basic", quote_plus(SPECIAL_ID), quote_plus(SPECIAL_SECRET)
    )
    assert _me_client_id(provider, token) == SPECIAL_ID
    assert provider.token_requests[-1].auth_method == "client_secret_basic"


def test_rfc6749_2_3_1_requests_oauthlib_basic_with_pre_encoded_credentials(
    provider: MockProvider,
) -> None:
    token = _requests_oauthlib(provider, False, quote_plus(SPECIAL_ID), quote_plus(SPECIAL_SECRET))
    assert _me_client_id(provider, token) == SPECIAL_ID


def test_rfc6749_2_3_1_httpx_auth_with_pre_encoded_credentials(provider: MockProvider) -> None:
    auth = httpx_auth.OAuth2ClientCredentials(
        provider.token_url,
        client_id=quote_plus(SPECIAL_ID),
        client_secret=quote_plus(SPECIAL_SECRET),
    )
    me = httpx.get(provider.me_url, auth=auth, timeout=5)
    assert me.status_code == 200
    assert me.json()["client_id"] == SPECIAL_ID


def test_rfc6749_2_3_1_authlib_raw_basic_is_refused(provider: MockProvider) -> None:
    with pytest.raises(AuthlibOAuthError) as refused:
        _authlib(provider, "client_secret_basic", SPECIAL_ID, SPECIAL_SECRET)
    assert (refused.value.error, refused.value.description) == ("invalid_client", NOT_UTF8)


def test_rfc6749_2_3_1_requests_oauthlib_raw_basic_is_refused(provider: MockProvider) -> None:
    with pytest.raises(InvalidClientError) as refused:
        _requests_oauthlib(provider, False, SPECIAL_ID, SPECIAL_SECRET)
    assert refused.value.description == NOT_UTF8
    assert refused.value.status_code == 401


def test_rfc6749_2_3_1_httpx_auth_raw_basic_is_refused(provider: MockProvider) -> None:
    auth = httpx_auth.OAuth2ClientCredentials(
        provider.token_url, client_id=SPECIAL_ID, client_secret=SPECIAL_SECRET
    )
    with pytest.raises(httpx_auth.InvalidGrantRequest) as refused:
        httpx.get(provider.me_url, auth=auth, timeout=5)
    assert str(refused.value) == f"invalid_client: {NO_MATCH}"
    # The raw UTF-8 header split at the id's own ':': the provider saw client "id".
    assert provider.token_requests[-1].client_id == "id"


def test_rfc6749_2_3_1_raw_basic_accepted_by_a_provider_configured_for_it() -> None:
    # A raw header cannot carry ':' in the id, so this client's id has none.
    provider = MockProvider(basic_form_encoded=False)
    provider.add_client("id %+/ é", SPECIAL_SECRET)
    with provider.serve():
        auth = httpx_auth.OAuth2ClientCredentials(
            provider.token_url, client_id="id %+/ é", client_secret=SPECIAL_SECRET
        )
        try:
            me = httpx.get(provider.me_url, auth=auth, timeout=5)
        finally:
            httpx_auth.OAuth2.token_cache.clear()
    assert me.status_code == 200
    assert me.json()["client_id"] == "id %+/ é"
