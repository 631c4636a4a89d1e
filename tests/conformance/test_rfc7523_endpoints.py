"""RFC 7523 §2.2 client authentication at the token, revocation and introspection endpoints:
the provider end to end (registration, verification, refusals, replay, recording)."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator

import httpx
import pytest

from mock_provider import ManualClock, MockProvider
from tests.assertions import (
    CLIENT_ID,
    ISSUER,
    NOW,
    SECRET,
    TOKEN_URL,
    claims,
    public_jwk,
    rsa_key,
    sign,
)

JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
BASIC_CHALLENGE = 'Basic realm="mock-oauth", charset="UTF-8"'


@pytest.fixture
def provider() -> MockProvider:
    provider = MockProvider(ISSUER, clock=ManualClock(NOW))
    provider.add_client(CLIENT_ID, SECRET, jwks={"keys": [public_jwk(rsa_key(), kid="k1")]})
    return provider


@pytest.fixture
def http(provider: MockProvider) -> Iterator[httpx.Client]:
    with httpx.Client(transport=provider.transport(), base_url=ISSUER) as client:
        yield client


def _form(assertion: str, **extra: str) -> dict[str, str]:
    return {"client_assertion_type": JWT_BEARER, "client_assertion": assertion, **extra}


def _token(http: httpx.Client, assertion: str, **extra: str) -> httpx.Response:
    data = {"grant_type": "client_credentials", **_form(assertion), **extra}
    return http.post("/oauth/token", data=data)


def _refusal(response: httpx.Response) -> str:
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == BASIC_CHALLENGE
    body = response.json()
    assert body["error"] == "invalid_client"
    return str(body["error_description"])


@pytest.mark.parametrize(
    ("alg", "method"),
    [
        pytest.param("RS256", "private_key_jwt", id="private_key_jwt"),
        pytest.param("HS256", "client_secret_jwt", id="client_secret_jwt"),
    ],
)
def test_rfc7523_2_2_token_request_with_a_client_assertion(
    http: httpx.Client, provider: MockProvider, alg: str, method: str
) -> None:
    assertion = sign(claims(), alg=alg, kid="k1" if alg == "RS256" else None)
    response = _token(http, assertion)
    assert response.status_code == 200, response.text
    assert response.json()["token_type"] == "Bearer"
    recorded = provider.last_token_request()
    assert (recorded.client_id, recorded.auth_method) == (CLIENT_ID, method)
    # A client assertion is a credential: recorded as redacted, nowhere in the recording.
    assert recorded.form["client_assertion"] == "<redacted>"
    assert assertion not in repr(provider.requests)
    assert assertion.split(".")[2] not in json.dumps([vars(r) for r in provider.requests])


def test_rfc7523_2_2_revocation_and_introspection_accept_assertions(http: httpx.Client) -> None:
    token = _token(http, sign(claims(jti="a"), kid="k1")).json()["access_token"]
    # Authlib's signers put the URL of the endpoint called in aud.
    introspect_aud = ISSUER + "/oauth/introspect"
    seen = http.post(
        "/oauth/introspect",
        data={"token": token, **_form(sign(claims(jti="b", aud=introspect_aud), kid="k1"))},
    )
    assert seen.json()["active"] is True
    revoked = http.post(
        "/oauth/revoke", data={"token": token, **_form(sign(claims(jti="c", aud=ISSUER)))}
    )
    assert revoked.status_code == 200
    after = http.post("/oauth/introspect", data={"token": token, **_form(sign(claims(jti="d")))})
    assert after.json() == {"active": False}


def test_rfc7523_3_jti_replay_is_refused_at_the_endpoint(http: httpx.Client) -> None:
    assertion = sign(claims(), kid="k1")
    assert _token(http, assertion).status_code == 200
    description = _refusal(_token(http, assertion))
    assert description == (
        "client assertion: this jti was already used: an assertion is single-use (OIDC section 9)"
    )


def test_rfc7523_3_jti_is_forgotten_after_exp_on_the_provider_clock(
    http: httpx.Client, provider: MockProvider
) -> None:
    assert _token(http, sign(claims(), kid="k1")).status_code == 200
    assert len(provider.core.jti_store) == 1
    provider.clock.advance(3600)
    fresh = claims(jti="other", iat=int(NOW) + 3600, exp=int(NOW) + 3660)
    assert _token(http, sign(fresh, kid="k1")).status_code == 200
    assert len(provider.core.jti_store) == 1  # the expired jti was dropped


def test_rfc7523_3_refusal_names_the_rule_and_never_echoes_the_assertion(
    http: httpx.Client,
) -> None:
    assertion = sign(claims(aud="https://elsewhere.test/token"), kid="k1")
    response = _token(http, assertion)
    description = _refusal(response)
    assert description == (
        "client assertion: aud must hold the token endpoint URL or the issuer (RFC 7523 section 3)"
    )
    for part in assertion.split("."):
        assert part not in response.text


def test_rfc7523_3_tampered_signature_is_refused(http: httpx.Client) -> None:
    header, payload, _ = sign(claims(), kid="k1").split(".")
    forged = sign(claims(), key=rsa_key("attacker"), kid="k1").split(".")[2]
    description = _refusal(_token(http, f"{header}.{payload}.{forged}"))
    assert description == "client assertion: the signature does not verify with the client's key"


@pytest.mark.parametrize(
    ("headers", "extra", "other"),
    [
        pytest.param({"Authorization": "Basic YTpi"}, {}, "HTTP Basic", id="basic"),
        pytest.param({}, {"client_secret": "s"}, "client_secret in the body", id="post"),
    ],
)
def test_rfc6749_2_3_assertion_with_another_method_is_refused(
    http: httpx.Client, headers: dict[str, str], extra: dict[str, str], other: str
) -> None:
    data = {"grant_type": "client_credentials", **_form(sign(claims(), kid="k1")), **extra}
    response = http.post("/oauth/token", data=data, headers=headers)
    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid_request",
        "error_description": f"the client authenticated with both a client_assertion and {other}; "
        "use exactly one method (RFC 6749 section 2.3)",
    }


def test_rfc7521_4_2_client_id_parameter_must_match(http: httpx.Client) -> None:
    description = _refusal(_token(http, sign(claims(), kid="k1"), client_id="someone-else"))
    assert description == (
        "client assertion: the client_id parameter differs from iss (RFC 7521 section 4.2)"
    )


def test_rfc7523_3_unknown_client_is_refused(http: httpx.Client) -> None:
    stranger = claims(iss="stranger", sub="stranger")
    description = _refusal(_token(http, sign(stranger, kid="k1")))
    assert description == (
        "client authentication failed: the client_assertion names an unknown client"
    )


def test_rfc7523_2_2_auth_methods_narrow_what_a_client_may_use(
    http: httpx.Client, provider: MockProvider
) -> None:
    provider.add_client(CLIENT_ID, SECRET, auth_methods=["client_secret_basic"])
    description = _refusal(_token(http, sign(claims(), alg="HS256")))
    assert description == "client assertion: client_secret_jwt is not an auth method of this client"


def test_rfc7523_2_2_a_key_only_client_has_no_secret_to_present(
    http: httpx.Client, provider: MockProvider
) -> None:
    provider.add_client("keys-only", jwks={"keys": [public_jwk(rsa_key())]})
    data = {"grant_type": "client_credentials"}
    response = http.post("/oauth/token", data=data, auth=("keys-only", "guess"))
    assert _refusal(response) == (
        "client authentication failed: unknown client_id or wrong client_secret"
    )
    hs = sign(claims(iss="keys-only", sub="keys-only"), alg="HS256")
    assert _refusal(_token(http, hs)) == (
        "client assertion: client_secret_jwt is not an auth method of this client"
    )


def test_rfc7523_3_failed_assertion_is_recorded_with_its_method(
    http: httpx.Client, provider: MockProvider
) -> None:
    _token(http, sign(claims(exp=int(NOW) - 3600, iat=int(NOW) - 3700), kid="k1"))
    recorded = provider.last_token_request()
    assert (recorded.status, recorded.error) == (401, "invalid_client")
    assert recorded.auth_method == "private_key_jwt"
    assert recorded.client_id == CLIENT_ID


def test_rfc7523_2_2_metadata_lists_the_jwt_methods(http: httpx.Client) -> None:
    doc = http.get("/.well-known/oauth-authorization-server").json()
    for endpoint in ("token", "revocation", "introspection"):
        assert doc[f"{endpoint}_endpoint_auth_methods_supported"][2:] == [
            "client_secret_jwt",
            "private_key_jwt",
        ]
        algs = doc[f"{endpoint}_endpoint_auth_signing_alg_values_supported"]
        assert {"HS256", "RS256", "PS256", "ES256", "EdDSA"} <= set(algs)
        assert "none" not in algs


def test_rfc7523_3_aud_may_be_the_token_endpoint_or_the_issuer(http: httpx.Client) -> None:
    assert _token(http, sign(claims(jti="1", aud=TOKEN_URL), kid="k1")).status_code == 200
    assert _token(http, sign(claims(jti="2", aud=ISSUER), kid="k1")).status_code == 200


def test_rfc3986_6_2_3_aud_may_spell_a_pathless_issuer_with_a_slash(http: httpx.Client) -> None:
    # Auth0 writes its issuer "https://TENANT/"; clients put that in aud.
    assert _token(http, sign(claims(jti="1", aud=ISSUER + "/"), kid="k1")).status_code == 200


def test_rfc3986_6_2_3_a_path_issuer_with_a_slash_is_another_url() -> None:
    provider = MockProvider(ISSUER + "/tenant", clock=ManualClock(NOW))
    provider.add_client(CLIENT_ID, SECRET, jwks={"keys": [public_jwk(rsa_key(), kid="k1")]})
    with httpx.Client(transport=provider.transport(), base_url=ISSUER) as http:
        slash = _token_at(http, "/tenant/oauth/token", claims(jti="1", aud=ISSUER + "/tenant/"))
        exact = _token_at(http, "/tenant/oauth/token", claims(jti="2", aud=ISSUER + "/tenant"))
    assert slash.status_code == 401
    assert "aud must hold" in _refusal(slash)
    assert exact.status_code == 200


def _token_at(http: httpx.Client, path: str, payload: dict[str, object]) -> httpx.Response:
    form = {"grant_type": "client_credentials", **_form(sign(payload, kid="k1"))}
    return http.post(path, data=form)


def test_rfc7523_2_2_assertion_in_the_uri_query_is_refused(http: httpx.Client) -> None:
    assertion = sign(claims(), kid="k1")
    response = http.post(
        "/oauth/token",
        params={"client_assertion": assertion},
        data={"grant_type": "client_credentials", "client_assertion_type": JWT_BEARER},
    )
    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid_request",
        "error_description": "client_assertion must not be sent in the URI query "
        "(RFC 7523 section 2.2); send it in the request body",
    }


def test_rfc7523_2_2_a_jwks_uri_client_is_not_refetched_for_alg_none(
    http: httpx.Client, provider: MockProvider
) -> None:
    fetches: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        fetches.append(str(request.url))
        return httpx.Response(200, json={"keys": [public_jwk(rsa_key(), kid="k1")]})

    provider.add_client(
        CLIENT_ID,
        jwks_uri="https://keys.example.test/jwks.json",
        jwks_transport=httpx.MockTransport(answer),
    )
    description = _refusal(_token(http, sign(claims(), alg="none")))
    assert (
        description
        == "client assertion: alg none is refused: the JWT must be signed (RFC 7523 section 3)"
    )
    assert fetches == []


def test_a_client_scoped_fault_matches_the_assertion_issuer(
    http: httpx.Client, provider: MockProvider
) -> None:
    provider.add_fault("token", client_id=CLIENT_ID, status=503, times=1)
    assertion = sign(claims(), kid="k1")
    answered = _token(http, assertion)
    assert answered.status_code == 503
    recorded = provider.last_token_request()
    # A fault answered it, yet the log still knows who and how, and not the assertion.
    assert (recorded.client_id, recorded.auth_method) == (CLIENT_ID, "private_key_jwt")
    assert recorded.form["client_assertion"] == "<redacted>"
    assert assertion not in repr(recorded)
    assert _token(http, sign(claims(jti="next"), kid="k1")).status_code == 200


def test_rfc7523_2_2_the_provider_decodes_each_assertion_once(
    http: httpx.Client, provider: MockProvider, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mock_provider.protocol import rfc7523

    decoded: list[object] = []
    parse = rfc7523._parse

    def counting(assertion: object, kind: object) -> object:
        decoded.append(assertion)
        return parse(assertion, kind)

    monkeypatch.setattr(rfc7523, "_parse", counting)
    response = _token(http, sign(claims(), alg="HS256"))
    assert response.status_code == 200, response.text
    # The client's identity and its verification read one decoded JWT (issue 14).
    assert len(decoded) == 1
    assert provider.last_token_request().auth_method == "client_secret_jwt"


def test_rfc7515_4_a_header_that_is_no_json_object_is_invalid_client(http: httpx.Client) -> None:
    """A JSON string holding "alg" as the header once passed as one, then failed as a 500."""
    segments = (b'"alg"', json.dumps(claims()).encode(), b"s" * 64)
    assertion = ".".join(base64.urlsafe_b64encode(s).rstrip(b"=").decode() for s in segments)
    description = _refusal(_token(http, assertion))
    assert description == "client assertion: is not a decodable JWS compact serialization"


def test_rfc7523_3_9_a_re_registered_key_replaces_the_old_one_for_key_choice(
    provider: MockProvider, http: httpx.Client
) -> None:
    from joserfc.jwk import OKPKey

    old, new = OKPKey.generate_key("Ed25519"), OKPKey.generate_key("Ed25519")
    provider.add_client("okp", jwks={"keys": [public_jwk(old)]}, auth_methods=["private_key_jwt"])
    first = sign(claims(iss="okp", sub="okp", jti="a"), old, "EdDSA")
    assert _token(http, first).status_code == 200  # the old key's set filtered (and kept)
    provider.add_client("okp", jwks={"keys": [public_jwk(new)]}, auth_methods=["private_key_jwt"])
    stale = sign(claims(iss="okp", sub="okp", jti="b"), old, "EdDSA")
    assert "does not verify" in _refusal(_token(http, stale))
    fresh = sign(claims(iss="okp", sub="okp", jti="c"), new, "EdDSA")
    assert _token(http, fresh).status_code == 200
