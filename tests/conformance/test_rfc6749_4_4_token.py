"""RFC 6749 §4.4 (client credentials grant) and §5.1: the successful token response."""

from __future__ import annotations

import base64

import httpx
import pytest

from mock_provider import MockProvider

from .conftest import (
    CLIENT_ID,
    CLIENT_SECRET,
    FORM,
    NO_STORE_JSON,
    NOW,
    basic,
    error_headers,
    headers_of,
)

GRANT = {"grant_type": "client_credentials"}


def test_rfc6749_4_4_3_success_response_client_secret_basic(
    http: httpx.Client, provider: MockProvider
) -> None:
    response = http.post("/oauth/token", data=GRANT, headers={"Authorization": basic()})
    assert response.status_code == 200
    # §5.1: "The authorization server MUST include the HTTP Cache-Control response header
    # field with a value of no-store ... as well as the Pragma response header field with
    # a value of no-cache", and the parameters are in an "application/json" body.
    assert headers_of(response) == NO_STORE_JSON
    body = response.json()
    (issued,) = provider.tokens
    assert body == {
        "access_token": issued.value,
        "token_type": "Bearer",
        "expires_in": 3600,
        "scope": "read write",
    }
    # §4.4.3: "A refresh token SHOULD NOT be included."
    assert "refresh_token" not in body
    assert issued.issued_at == NOW
    assert issued.expires_at == NOW + 3600


def test_rfc6749_2_3_1_client_secret_post(http: httpx.Client) -> None:
    response = http.post(
        "/oauth/token",
        data={**GRANT, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "scope": "read"},
    )
    assert response.status_code == 200
    assert headers_of(response) == NO_STORE_JSON
    assert response.json()["scope"] == "read"


def issued_to(provider: MockProvider, response: httpx.Response) -> str:
    """The client the answered token was issued to: which client was authenticated."""
    record = provider.active_token(response.json()["access_token"])
    assert record is not None
    return record.client_id


SPECIAL_ID = "id: %+/ é"
SPECIAL_SECRET = "s:e%c+r/e t é"


def test_rfc6749_2_3_1_basic_credentials_are_form_urlencoded_then_decoded(
    http: httpx.Client, provider: MockProvider
) -> None:
    provider.add_client(SPECIAL_ID, SPECIAL_SECRET)
    # §2.3.1: id and secret are form-urlencoded (Appendix B) before Basic encoding.
    response = http.post(
        "/oauth/token", data=GRANT, headers={"Authorization": basic(SPECIAL_ID, SPECIAL_SECRET)}
    )
    assert response.status_code == 200
    assert provider.token_requests[-1].client_id == SPECIAL_ID
    assert issued_to(provider, response) == SPECIAL_ID


def test_rfc6749_2_3_1_basic_credentials_not_form_urlencoded_are_refused(
    http: httpx.Client, provider: MockProvider
) -> None:
    provider.add_client("plus+client", "a+b")
    # Raw "a+b" form-decodes to "a b", which is not the secret.
    raw = base64.b64encode(b"plus+client:a+b").decode()
    response = http.post("/oauth/token", data=GRANT, headers={"Authorization": f"Basic {raw}"})
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_rfc6749_2_3_1_raw_basic_accepted_when_configured() -> None:
    provider = MockProvider(basic_form_encoded=False)
    provider.add_client("plus+client", "a+b%20")
    raw = base64.b64encode(b"plus+client:a+b%20").decode()
    with httpx.Client(transport=provider.transport()) as http:
        response = http.post(
            provider.token_url, data=GRANT, headers={"Authorization": f"Basic {raw}"}
        )
    assert response.status_code == 200
    assert provider.token_requests[-1].client_id == "plus+client"
    assert issued_to(provider, response) == "plus+client"


def test_rfc6749_2_3_1_post_credentials_with_special_characters(
    http: httpx.Client, provider: MockProvider
) -> None:
    provider.add_client(SPECIAL_ID, SPECIAL_SECRET)
    response = http.post(
        "/oauth/token",
        data={**GRANT, "client_id": SPECIAL_ID, "client_secret": SPECIAL_SECRET},
    )
    assert response.status_code == 200
    assert provider.token_requests[-1].client_id == SPECIAL_ID
    assert provider.token_requests[-1].auth_method == "client_secret_post"
    assert issued_to(provider, response) == SPECIAL_ID


def test_rfc6749_2_3_1_basic_scheme_is_case_insensitive(
    http: httpx.Client, provider: MockProvider
) -> None:
    value = basic().replace("Basic", "bAsIc")
    response = http.post("/oauth/token", data=GRANT, headers={"Authorization": value})
    assert response.status_code == 200
    assert issued_to(provider, response) == CLIENT_ID


def test_rfc6749_2_3_1_body_client_id_matching_basic_is_accepted(
    http: httpx.Client, provider: MockProvider
) -> None:
    response = http.post(
        "/oauth/token", data={**GRANT, "client_id": CLIENT_ID}, headers={"Authorization": basic()}
    )
    assert response.status_code == 200
    assert issued_to(provider, response) == CLIENT_ID


def test_rfc6749_3_1_empty_parameters_are_treated_as_omitted(
    http: httpx.Client, provider: MockProvider
) -> None:
    # §3.1: "Parameters sent without a value MUST be treated as if they were omitted":
    # an empty scope asks for the default scopes, an empty audience for none.
    response = http.post(
        "/oauth/token",
        content="grant_type=client_credentials&scope=&audience=&resource=&unknown=",
        headers={**FORM, "Authorization": basic()},
    )
    assert response.status_code == 200
    assert response.json()["scope"] == "read write"
    assert provider.tokens[0].audience == (provider.url,)


def test_rfc6749_3_1_unknown_parameters_are_ignored(http: httpx.Client) -> None:
    # §3.1: "The authorization server MUST ignore unrecognized request parameters."
    response = http.post(
        "/oauth/token", data={**GRANT, "foo": "bar"}, headers={"Authorization": basic()}
    )
    assert response.status_code == 200


def test_rfc6749_4_4_2_form_content_type_with_charset(http: httpx.Client) -> None:
    headers = {
        "Authorization": basic(),
        "Content-Type": "application/x-www-form-urlencoded; charset=UTF-8",
    }
    response = http.post("/oauth/token", content="grant_type=client_credentials", headers=headers)
    assert response.status_code == 200


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"])
def test_rfc6749_3_2_token_endpoint_requires_post(
    http: httpx.Client, provider: MockProvider, method: str
) -> None:
    # §3.2: "The client MUST use the HTTP POST method when making access token requests."
    response = http.request(
        method,
        "/oauth/token",
        params=GRANT,
        headers={**FORM, "Authorization": basic()},
    )
    assert response.status_code == 405
    assert headers_of(response) == {**error_headers(), "allow": "POST"}
    if method != "HEAD":
        assert response.json() == {
            "error": "invalid_request",
            "error_description": f"{method} is not allowed here; use POST",
        }
    assert provider.tokens == []


# -- §3.3 scope -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("requested", "granted"),
    [
        pytest.param("read", "read", id="subset"),
        pytest.param("write read", "write read", id="order_kept"),
        pytest.param("read read", "read", id="duplicates_dropped"),
    ],
)
def test_rfc6749_3_3_requested_scope_is_granted(
    http: httpx.Client, requested: str, granted: str
) -> None:
    response = http.post(
        "/oauth/token", data={**GRANT, "scope": requested}, headers={"Authorization": basic()}
    )
    assert response.json()["scope"] == granted


def test_rfc6749_3_3_default_scopes_when_none_requested(
    http: httpx.Client, provider: MockProvider
) -> None:
    # §3.3: "If the client omits the scope parameter ... the authorization server MUST
    # either process the request using a pre-defined default value or fail".
    provider.add_client("narrow", "narrow-secret", scopes=("a", "b", "c"), default_scopes=("b",))
    response = http.post("/oauth/token", data=GRANT, auth=("narrow", "narrow-secret"))
    assert response.json()["scope"] == "b"


def test_rfc6749_3_3_default_scopes_are_all_allowed_scopes(http: httpx.Client) -> None:
    response = http.post("/oauth/token", data=GRANT, headers={"Authorization": basic()})
    assert response.json()["scope"] == "read write"


def test_rfc6749_5_1_no_scope_member_when_nothing_granted(
    http: httpx.Client, provider: MockProvider
) -> None:
    provider.add_client("scopeless", "scopeless-secret")
    response = http.post("/oauth/token", data=GRANT, auth=("scopeless", "scopeless-secret"))
    assert response.status_code == 200
    assert set(response.json()) == {"access_token", "token_type", "expires_in"}


def test_rfc6749_3_3_empty_default_scopes(http: httpx.Client, provider: MockProvider) -> None:
    provider.add_client("minimal", "minimal-secret", scopes=("a",), default_scopes=())
    body = http.post("/oauth/token", data=GRANT, auth=("minimal", "minimal-secret")).json()
    assert "scope" not in body


# -- lifetimes and uniqueness -----------------------------------------------------------


def test_rfc6749_5_1_expires_in_per_client_and_provider_default(
    http: httpx.Client, provider: MockProvider
) -> None:
    provider.add_client("short", "short-secret", expires_in=60)
    assert (
        http.post("/oauth/token", data=GRANT, auth=("short", "short-secret")).json()["expires_in"]
        == 60
    )
    other = MockProvider(expires_in=120)
    other.add_client("c", "s")
    with httpx.Client(transport=other.transport()) as client:
        assert client.post(other.token_url, data=GRANT, auth=("c", "s")).json()["expires_in"] == 120


def test_rfc6749_5_1_expires_in_follows_the_provider_clock(
    http: httpx.Client, provider: MockProvider
) -> None:
    provider.clock.advance(1000)  # type: ignore[attr-defined]
    http.post("/oauth/token", data=GRANT, headers={"Authorization": basic()})
    (issued,) = provider.tokens
    assert (issued.issued_at, issued.expires_at) == (NOW + 1000, NOW + 4600)


def test_rfc6749_5_1_every_request_gets_a_new_token(
    http: httpx.Client, provider: MockProvider
) -> None:
    tokens = {
        http.post("/oauth/token", data=GRANT, headers={"Authorization": basic()}).json()[
            "access_token"
        ]
        for _ in range(50)
    }
    assert len(tokens) == 50
    assert len(provider.tokens) == 50


# -- RFC 8707 resource indicators and the audience parameter ---------------------------


def test_rfc8707_2_resource_sets_the_token_audience(
    http: httpx.Client, provider: MockProvider
) -> None:
    # RFC 8707 §2: "Multiple resource parameters MAY be used to indicate that the requested
    # token is intended to be used at multiple resources."
    response = http.post(
        "/oauth/token",
        content="grant_type=client_credentials&resource=https%3A%2F%2Fa.test%2F"
        "&resource=https%3A%2F%2Fb.test%2F",
        headers={**FORM, "Authorization": basic()},
    )
    assert response.status_code == 200
    assert provider.tokens[0].audience == ("https://a.test/", "https://b.test/")


def test_rfc8707_2_audience_parameter(http: httpx.Client, provider: MockProvider) -> None:
    http.post(
        "/oauth/token",
        data={**GRANT, "audience": "api://orders"},
        headers={"Authorization": basic()},
    )
    assert provider.tokens[0].audience == ("api://orders",)


def test_rfc8707_2_empty_audience_list_accepts_any(
    http: httpx.Client, provider: MockProvider
) -> None:
    response = http.post(
        "/oauth/token",
        data={**GRANT, "resource": "https://anything.test/"},
        auth=(CLIENT_ID, CLIENT_SECRET),
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("form", "description"),
    [
        pytest.param(
            {"resource": "relative/path"},
            "resource must be an absolute URI without a fragment (RFC 8707 section 2)",
            id="resource_not_absolute",
        ),
        pytest.param(
            {"resource": "https://api.test/#frag"},
            "resource must be an absolute URI without a fragment (RFC 8707 section 2)",
            id="resource_with_fragment",
        ),
        pytest.param(
            {"resource": "https://other.test/"},
            "audience/resource https://other.test/ is not available to this client "
            "(RFC 8707 section 2)",
            id="resource_not_registered",
        ),
        pytest.param(
            {"audience": "api://other"},
            "audience/resource api://other is not available to this client (RFC 8707 section 2)",
            id="audience_not_registered",
        ),
    ],
)
def test_rfc8707_2_invalid_target(
    http: httpx.Client, provider: MockProvider, form: dict[str, str], description: str
) -> None:
    provider.add_client("aud-client", "aud-secret", audiences=("https://api.test/", "api://orders"))
    response = http.post("/oauth/token", data={**GRANT, **form}, auth=("aud-client", "aud-secret"))
    assert response.status_code == 400
    assert headers_of(response) == error_headers()
    assert response.json() == {"error": "invalid_target", "error_description": description}
    assert provider.tokens == []


def test_rfc8707_2_registered_audience_is_accepted(
    http: httpx.Client, provider: MockProvider
) -> None:
    provider.add_client("aud-client", "aud-secret", audiences=("https://api.test/", "api://x"))
    response = http.post(
        "/oauth/token",
        data={**GRANT, "resource": "https://api.test/"},
        auth=("aud-client", "aud-secret"),
    )
    assert response.status_code == 200
    assert provider.tokens[0].audience == ("https://api.test/",)
    # No resource asked: the token is for every registered audience.
    http.post("/oauth/token", data=GRANT, auth=("aud-client", "aud-secret"))
    assert provider.tokens[1].audience == ("https://api.test/", "api://x")
