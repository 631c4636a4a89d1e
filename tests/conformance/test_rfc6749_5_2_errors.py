"""RFC 6749 §5.2: every error of the token endpoint, status, headers and body exactly."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from mock_provider import MockProvider

from .conftest import (
    AUTH_FAILED_DESCRIPTION,
    AUTH_REQUIRED_DESCRIPTION,
    BASIC_CHALLENGE,
    CLIENT_ID,
    CLIENT_SECRET,
    FORM,
    basic,
    error_headers,
    headers_of,
)

GRANT = "grant_type=client_credentials"
POST_AUTH = f"client_id={CLIENT_ID}&client_secret={CLIENT_SECRET}"
INVALID_CLIENT = {"error": "invalid_client", "error_description": AUTH_FAILED_DESCRIPTION}
AUTH_REQUIRED = {"error": "invalid_client", "error_description": AUTH_REQUIRED_DESCRIPTION}


def case(
    id: str,
    body: str,
    *,
    status: int,
    error: dict[str, str],
    headers: dict[str, str] | None = None,
    challenge: bool = False,
) -> Any:
    return pytest.param({**FORM, **(headers or {})}, body, status, error, challenge, id=id)


ERROR_CASES = [
    # §5.2 invalid_request: "The request is missing a required parameter ..."
    case(
        "rfc6749_4_4_2_missing_grant_type",
        "scope=read",
        headers={"Authorization": basic()},
        status=400,
        error={
            "error": "invalid_request",
            "error_description": "missing grant_type (RFC 6749 section 4.4.2)",
        },
    ),
    case(
        "rfc6749_3_1_empty_grant_type_is_omitted",
        "grant_type=",
        headers={"Authorization": basic()},
        status=400,
        error={
            "error": "invalid_request",
            "error_description": "missing grant_type (RFC 6749 section 4.4.2)",
        },
    ),
    # §3.1: "Request and response parameters MUST NOT be included more than once."
    case(
        "rfc6749_3_1_repeated_grant_type",
        f"{GRANT}&{GRANT}",
        headers={"Authorization": basic()},
        status=400,
        error={
            "error": "invalid_request",
            "error_description": "parameter grant_type is included more than once "
            "(RFC 6749 section 3.1)",
        },
    ),
    case(
        "rfc6749_3_1_repeated_scope",
        f"{GRANT}&scope=read&scope=write",
        headers={"Authorization": basic()},
        status=400,
        error={
            "error": "invalid_request",
            "error_description": "parameter scope is included more than once "
            "(RFC 6749 section 3.1)",
        },
    ),
    # §4.4.2: the parameters are sent "using the application/x-www-form-urlencoded format".
    case(
        "rfc6749_4_4_2_json_body",
        '{"grant_type": "client_credentials"}',
        headers={"Authorization": basic(), "Content-Type": "application/json"},
        status=400,
        error={
            "error": "invalid_request",
            "error_description": "the request body must be application/x-www-form-urlencoded "
            "(RFC 6749 section 4.4.2); Content-Type was application/json",
        },
    ),
    case(
        "rfc6749_4_4_2_no_content_type",
        GRANT,
        headers={"Authorization": basic(), "Content-Type": ""},
        status=400,
        error={
            "error": "invalid_request",
            "error_description": "the request body must be application/x-www-form-urlencoded "
            "(RFC 6749 section 4.4.2); Content-Type was none",
        },
    ),
    case(
        "rfc6749_appendix_b_body_not_utf8",
        "grant_type=client_credentials&scope=%FF",
        headers={"Authorization": basic()},
        status=400,
        error={
            "error": "invalid_request",
            "error_description": "the request body has percent-encoded bytes that are not UTF-8",
        },
    ),
    # §2.3: "The client MUST NOT use more than one authentication method in each request."
    case(
        "rfc6749_2_3_basic_and_post_at_once",
        f"{GRANT}&{POST_AUTH}",
        headers={"Authorization": basic()},
        status=400,
        error={
            "error": "invalid_request",
            "error_description": "the client authenticated with both HTTP Basic and "
            "client_secret in the body; use exactly one method (RFC 6749 section 2.3)",
        },
    ),
    case(
        "rfc6749_2_3_1_body_client_id_differs_from_basic",
        f"{GRANT}&client_id=someone-else",
        headers={"Authorization": basic()},
        status=400,
        error={
            "error": "invalid_request",
            "error_description": "client_id in the body does not match the client_id of the "
            "Basic credentials",
        },
    ),
    # §5.2 unsupported_grant_type.
    case(
        "rfc6749_5_2_unsupported_grant_type",
        "grant_type=password",
        headers={"Authorization": basic()},
        status=400,
        error={
            "error": "unsupported_grant_type",
            "error_description": "grant_type password is not supported; this provider issues "
            "tokens for grant_type=client_credentials (RFC 6749 section 4.4)",
        },
    ),
    # §5.2 invalid_client: 401, and (our choice, documented) always a Basic challenge.
    case(
        "rfc6749_5_2_invalid_client_no_credentials",
        GRANT,
        status=401,
        error=AUTH_REQUIRED,
        challenge=True,
    ),
    case(
        "rfc6749_5_2_invalid_client_id_without_secret",
        f"{GRANT}&client_id={CLIENT_ID}",
        status=401,
        error=AUTH_REQUIRED,
        challenge=True,
    ),
    case(
        "rfc6749_5_2_invalid_client_empty_secret_is_omitted",
        f"{GRANT}&client_id={CLIENT_ID}&client_secret=",
        status=401,
        error=AUTH_REQUIRED,
        challenge=True,
    ),
    case(
        "rfc6749_5_2_invalid_client_wrong_secret_basic",
        GRANT,
        headers={"Authorization": basic(CLIENT_ID, "wrong")},
        status=401,
        error=INVALID_CLIENT,
        challenge=True,
    ),
    case(
        "rfc6749_5_2_invalid_client_wrong_secret_post",
        f"{GRANT}&client_id={CLIENT_ID}&client_secret=wrong",
        status=401,
        error=INVALID_CLIENT,
        challenge=True,
    ),
    case(
        "rfc6749_5_2_invalid_client_unknown_client",
        GRANT,
        headers={"Authorization": basic("nobody", CLIENT_SECRET)},
        status=401,
        error=INVALID_CLIENT,
        challenge=True,
    ),
    case(
        "rfc6749_5_2_invalid_client_basic_not_base64",
        GRANT,
        headers={"Authorization": "Basic !!!not-base64!!!"},
        status=401,
        error={
            "error": "invalid_client",
            "error_description": "the Basic credentials are not valid base64 of UTF-8 text "
            "(RFC 7617 section 2)",
        },
        challenge=True,
    ),
    case(
        "rfc6749_5_2_invalid_client_basic_without_colon",
        GRANT,
        headers={"Authorization": "Basic Y2xpZW50LW9ubHk="},
        status=401,
        error={
            "error": "invalid_client",
            "error_description": "the Basic credentials have no ':' between client_id and "
            "client_secret",
        },
        challenge=True,
    ),
    case(
        "rfc6749_5_2_invalid_client_blank_authorization",
        GRANT,
        headers={"Authorization": "   "},
        status=401,
        error={
            "error": "invalid_client",
            "error_description": "unsupported authentication scheme (none) at the token "
            "endpoint; use HTTP Basic (client_secret_basic) or client_secret_post",
        },
        challenge=True,
    ),
    case(
        "rfc6749_5_2_invalid_client_other_scheme",
        GRANT,
        headers={"Authorization": "Bearer abc"},
        status=401,
        error={
            "error": "invalid_client",
            "error_description": "unsupported authentication scheme Bearer at the token "
            "endpoint; use HTTP Basic (client_secret_basic) or client_secret_post",
        },
        challenge=True,
    ),
    # §2.3.1: client credentials "MUST NOT be included in the request URI" (see the query test).
    # §5.2 invalid_scope.
    case(
        "rfc6749_5_2_invalid_scope_not_allowed",
        f"{GRANT}&scope=read+admin",
        headers={"Authorization": basic()},
        status=400,
        error={
            "error": "invalid_scope",
            "error_description": "scope admin is not allowed for this client; allowed: read write",
        },
    ),
    *[
        case(
            f"rfc6749_3_3_invalid_scope_syntax_{name}",
            f"{GRANT}&scope={raw}",
            headers={"Authorization": basic()},
            status=400,
            error={
                "error": "invalid_scope",
                "error_description": "scope must be scope tokens separated by single spaces, "
                "each made of printable ASCII other than double quote and backslash "
                "(RFC 6749 section 3.3)",
            },
        )
        for name, raw in [
            ("double_quote", "read%22"),
            ("backslash", "read%5C"),
            ("non_ascii", "r%C3%A9ad"),
            ("double_space", "read++write"),
            ("leading_space", "+read"),
            ("trailing_space", "read+"),
            ("tab", "read%09write"),
        ]
    ],
]


@pytest.mark.parametrize(("headers", "body", "status", "error", "challenge"), ERROR_CASES)
def test_rfc6749_5_2_token_error_response(
    http: httpx.Client,
    provider: MockProvider,
    headers: dict[str, str],
    body: str,
    status: int,
    error: dict[str, str],
    challenge: bool,
) -> None:
    sent = {k: v for k, v in headers.items() if v}
    response = http.post("/oauth/token", content=body, headers=sent)
    assert response.status_code == status
    assert headers_of(response) == error_headers(BASIC_CHALLENGE if challenge else None)
    assert response.json() == error
    assert provider.tokens == []


def test_rfc6749_2_3_1_client_secret_in_query_is_refused(http: httpx.Client) -> None:
    response = http.post(
        "/oauth/token",
        params={"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET},
        content=GRANT,
        headers=FORM,
    )
    assert response.status_code == 400
    assert headers_of(response) == error_headers()
    assert response.json() == {
        "error": "invalid_request",
        "error_description": "client_secret must not be sent in the URI query "
        "(RFC 6749 section 2.3.1); send it in the request body or the Authorization header",
    }


def test_rfc6749_5_2_unauthorized_client(http: httpx.Client, provider: MockProvider) -> None:
    provider.add_client("web-app", "web-secret", grant_types=("authorization_code",))
    response = http.post(
        "/oauth/token", data={"grant_type": "client_credentials"}, auth=("web-app", "web-secret")
    )
    assert response.status_code == 400
    assert headers_of(response) == error_headers()
    assert response.json() == {
        "error": "unauthorized_client",
        "error_description": "client web-app may not use grant_type client_credentials",
    }


def test_rfc6749_2_3_client_restricted_to_one_auth_method(
    http: httpx.Client, provider: MockProvider
) -> None:
    provider.add_client("post-only", "post-secret", auth_methods=("client_secret_post",))
    refused = http.post(
        "/oauth/token", data={"grant_type": "client_credentials"}, auth=("post-only", "post-secret")
    )
    assert refused.status_code == 401
    assert headers_of(refused) == error_headers(BASIC_CHALLENGE)
    assert refused.json() == {
        "error": "invalid_client",
        "error_description": "this client may not authenticate with client_secret_basic; "
        "use client_secret_post",
    }
    accepted = http.post(
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": "post-only",
            "client_secret": "post-secret",
        },
    )
    assert accepted.status_code == 200


# §5.2: error and error_description "MUST NOT include characters outside the set
# %x20-21 / %x23-5B / %x5D-7E".
_ALPHABET = re.compile(r"[\x20-\x21\x23-\x5b\x5d-\x7e]*")


@pytest.mark.parametrize(("headers", "body", "status", "error", "challenge"), ERROR_CASES)
def test_rfc6749_5_2_error_description_alphabet(
    http: httpx.Client,
    headers: dict[str, str],
    body: str,
    status: int,
    error: dict[str, str],
    challenge: bool,
) -> None:
    sent = {k: v for k, v in headers.items() if v}
    answer = http.post("/oauth/token", content=body, headers=sent).json()
    assert _ALPHABET.fullmatch(answer["error"])
    assert _ALPHABET.fullmatch(answer["error_description"])


def test_rfc6749_5_2_error_description_sanitises_client_input(http: httpx.Client) -> None:
    # A grant_type made of forbidden characters is echoed in the description: they must go.
    response = http.post(
        "/oauth/token",
        data={"grant_type": 'é"\\\x7f\n'},
        headers={"Authorization": basic()},
    )
    description = response.json()["error_description"]
    assert _ALPHABET.fullmatch(description)
    assert description.startswith("grant_type ?'??? is not supported")
