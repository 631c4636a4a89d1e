"""client_secret_jwt and private_key_jwt (RFC 7523 §2.2) through ClientCredentials: every token
and revocation request carries a fresh assertion the provider's verifier accepts, sync and
async, and the key never shows."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from pytest_oauthcc import ClientConfigurationError, ClientCredentials, TokenRequestError
from pytest_oauthcc.client.assertion import CLIENT_ASSERTION_TYPE
from tests.assertions import SECRET, ec_key, okp_key, public_jwk, rsa_key

from .jwt_endpoint import CLIENT_ID, REVOKE_URL, TOKEN_URL, JwtEndpoint

API = "https://api.example.test/me"


def rsa_pem() -> str:
    return rsa_key().as_pem(private=True).decode()


def make(endpoint: JwtEndpoint, secret: str | None = None, **options: Any) -> ClientCredentials:
    options.setdefault("clock", endpoint.clock)
    options.setdefault("sleep", endpoint.clock.advance)
    options.setdefault("revocation_url", REVOKE_URL)
    return ClientCredentials(TOKEN_URL, CLIENT_ID, secret, **options)


def transport(endpoint: JwtEndpoint) -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.host == "api.example.test":
            return httpx.Response(200, json={"auth": request.headers["Authorization"]})
        return endpoint(request)

    return httpx.MockTransport(handle)


def get(endpoint: JwtEndpoint, auth: ClientCredentials, mode: str) -> httpx.Response:
    if mode == "sync":
        with httpx.Client(auth=auth, transport=transport(endpoint)) as http:
            return http.get(API)

    async def main() -> httpx.Response:
        async with httpx.AsyncClient(auth=auth, transport=transport(endpoint)) as http:
            return await http.get(API)

    return asyncio.run(main())


KEYS = [
    pytest.param(lambda: (rsa_pem(), public_jwk(rsa_key()), "RS256"), id="rsa-pem"),
    pytest.param(
        lambda: (
            dict(ec_key().as_dict(private=True), kid="ec-1"),
            public_jwk(ec_key(), kid="ec-1"),
            "ES256",
        ),
        id="ec-jwk-kid",
    ),
    pytest.param(
        lambda: (okp_key().as_dict(private=True), public_jwk(okp_key()), "EdDSA"), id="ed25519-jwk"
    ),
]


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize("key", KEYS)
def test_rfc7523_2_2_private_key_jwt_token_request_is_accepted(key: Any, mode: str) -> None:
    private, public, alg = key()
    endpoint = JwtEndpoint(public, secret=None)
    auth = make(endpoint, auth_method="private_key_jwt", private_key=private, scopes=["read"])
    response = get(endpoint, auth, mode)
    assert response.json() == {"auth": "Bearer tok-1"}
    [verified] = endpoint.verified
    assert (verified.method, verified.alg, verified.client_id) == (
        "private_key_jwt",
        alg,
        CLIENT_ID,
    )
    [request] = endpoint.requests
    assert "Authorization" not in request.headers
    form = endpoint.forms[0]
    assert sorted(form) == [
        "client_assertion",
        "client_assertion_type",
        "client_id",
        "grant_type",
        "scope",
    ]
    assert (form["grant_type"], form["client_assertion_type"]) == (
        "client_credentials",
        CLIENT_ASSERTION_TYPE,
    )
    assert (form["client_id"], form["scope"]) == (CLIENT_ID, "read")


@pytest.mark.parametrize("alg", ["HS256", "HS384", "HS512"])
def test_rfc7523_2_2_client_secret_jwt_token_request_is_accepted(alg: str) -> None:
    endpoint = JwtEndpoint()
    auth = make(endpoint, SECRET, auth_method="client_secret_jwt", assertion_alg=alg)
    assert get(endpoint, auth, "sync").status_code == 200
    assert (endpoint.verified[0].method, endpoint.verified[0].alg) == ("client_secret_jwt", alg)
    assert "client_secret" not in endpoint.forms[0]
    assert "Authorization" not in endpoint.requests[0].headers


def test_rfc7523_3_claims_iss_sub_aud_iat_exp_on_the_clients_clock() -> None:
    endpoint = JwtEndpoint(public_jwk(ec_key()), secret=None)
    auth = make(endpoint, auth_method="private_key_jwt", private_key=ec_key().as_dict(private=True))
    get(endpoint, auth, "sync")
    claims = endpoint.claims[0]
    now = int(endpoint.clock.time())
    assert {k: claims[k] for k in ("iss", "sub", "aud", "iat", "exp")} == {
        "iss": CLIENT_ID,
        "sub": CLIENT_ID,
        "aud": TOKEN_URL,
        "iat": now,
        "exp": now + 60,
    }


def test_assertion_audience_replaces_the_token_url() -> None:
    endpoint = JwtEndpoint(public_jwk(ec_key()), secret=None)
    auth = make(
        endpoint,
        auth_method="private_key_jwt",
        private_key=ec_key().as_dict(private=True),
        assertion_audience="https://auth.example.test",
    )
    get(endpoint, auth, "sync")
    assert endpoint.claims[0]["aud"] == "https://auth.example.test"


def test_oidc_core_9_two_token_requests_never_reuse_a_jti() -> None:
    """The endpoint spends each jti: a reused one would be refused as a replay."""
    endpoint = JwtEndpoint(public_jwk(rsa_key()), secret=None)
    auth = make(endpoint, auth_method="private_key_jwt", private_key=rsa_pem())
    with httpx.Client(auth=auth, transport=transport(endpoint)) as http:
        for _ in range(3):
            assert http.get(API).status_code == 200
            auth.invalidate()
    jtis = [c["jti"] for c in endpoint.claims]
    assert len(jtis) == len(set(jtis)) == 3
    assert all(len(j) >= 32 for j in jtis)


def test_cached_token_sends_no_new_assertion() -> None:
    endpoint = JwtEndpoint(public_jwk(rsa_key()), secret=None)
    auth = make(endpoint, auth_method="private_key_jwt", private_key=rsa_pem())
    with httpx.Client(auth=auth, transport=transport(endpoint)) as http:
        for _ in range(3):
            http.get(API)
    assert len(endpoint.requests) == 1
    assert auth.stats.cache_hits == 2


def test_each_retry_is_signed_anew() -> None:
    endpoint = JwtEndpoint(public_jwk(rsa_key()), secret=None)
    endpoint.failures = [503, 503]
    auth = make(endpoint, auth_method="private_key_jwt", private_key=rsa_pem())
    assert get(endpoint, auth, "sync").status_code == 200
    assessed = [f["client_assertion"] for f in endpoint.forms]
    assert len(assessed) == len(set(assessed)) == 3
    assert auth.stats.retries == 2


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_rfc7009_2_1_revocation_carries_its_own_fresh_assertion(mode: str) -> None:
    endpoint = JwtEndpoint(public_jwk(rsa_key()), secret=None)
    auth = make(endpoint, auth_method="private_key_jwt", private_key=rsa_pem())
    get(endpoint, auth, mode)
    if mode == "sync":
        with httpx.Client(transport=transport(endpoint)) as http:
            assert auth.revoke(http) is True
    else:

        async def main() -> bool:
            async with httpx.AsyncClient(transport=transport(endpoint)) as http:
                return await auth.arevoke(http)

        assert asyncio.run(main()) is True
    revoke = endpoint.forms[-1]
    assert (revoke["token"], revoke["client_id"]) == ("tok-1", CLIENT_ID)
    assert revoke["client_assertion_type"] == CLIENT_ASSERTION_TYPE
    assert endpoint.claims[-1]["aud"] == TOKEN_URL
    assert endpoint.claims[0]["jti"] != endpoint.claims[-1]["jti"]
    assert "Authorization" not in endpoint.requests[-1].headers


def test_an_echoed_assertion_never_reaches_the_error_message() -> None:
    endpoint = JwtEndpoint(public_jwk(rsa_key("other")), secret=None)
    endpoint.echo = True
    auth = make(endpoint, auth_method="private_key_jwt", private_key=rsa_pem())
    with (
        pytest.raises(TokenRequestError) as caught,
        httpx.Client(transport=transport(endpoint)) as http,
    ):
        auth.fetch_token(http)
    sent = endpoint.forms[0]["client_assertion"]
    assert sent not in str(caught.value)
    assert sent not in str(getattr(caught.value, "error_description", ""))
    assert "invalid_client" in str(caught.value)


def test_the_private_key_never_shows_in_repr_or_settings() -> None:
    pem = rsa_pem()
    jwk = rsa_key().as_dict(private=True)
    auth = ClientCredentials(TOKEN_URL, CLIENT_ID, auth_method="private_key_jwt", private_key=pem)
    text = repr(auth) + repr(auth.settings) + repr(auth.settings.signer)
    assert "PRIVATE KEY" not in text
    assert str(jwk["d"]) not in text
    assert str(jwk["p"]) not in text
    assert "private_key=fp:" in repr(auth)
    assert "client_secret" not in repr(auth)


def test_a_key_change_is_another_cache_entry() -> None:
    one = ClientCredentials(
        TOKEN_URL, CLIENT_ID, auth_method="private_key_jwt", private_key=rsa_pem()
    )
    other = ClientCredentials(
        TOKEN_URL,
        CLIENT_ID,
        auth_method="private_key_jwt",
        private_key=ec_key().as_dict(private=True),
    )
    same = ClientCredentials(
        TOKEN_URL, CLIENT_ID, auth_method="private_key_jwt", private_key=rsa_pem()
    )
    assert one.cache_key != other.cache_key
    assert one.cache_key == same.cache_key


def test_the_signer_gives_the_public_jwk_to_register() -> None:
    auth = ClientCredentials(
        TOKEN_URL, CLIENT_ID, auth_method="private_key_jwt", private_key=rsa_pem(), key_id="k1"
    )
    signer = auth.settings.signer
    assert signer is not None
    jwk = signer.public_jwk()
    assert jwk == {**public_jwk(rsa_key()), "kid": "k1", "alg": "RS256", "use": "sig"}
    endpoint = JwtEndpoint(jwk, secret=None)
    get(
        endpoint,
        make(endpoint, auth_method="private_key_jwt", private_key=rsa_pem(), key_id="k1"),
        "sync",
    )
    assert endpoint.verified[0].alg == "RS256"


@pytest.mark.parametrize(
    ("secret", "options", "message"),
    [
        pytest.param(
            None,
            {"auth_method": "private_key_jwt"},
            "auth_method='private_key_jwt' needs private_key= (a PEM private key or a private "
            "JWK dict)",
            id="no-key",
        ),
        pytest.param(
            "s",
            {"auth_method": "private_key_jwt", "private_key": "k"},
            "auth_method='private_key_jwt' signs with private_key=; do not pass a "
            "client_secret (give None)",
            id="key-and-secret",
        ),
        pytest.param(
            "s",
            {"private_key": "-----BEGIN PRIVATE KEY-----"},
            "private_key= is used only with auth_method='private_key_jwt', not "
            "'client_secret_basic'",
            id="key-with-basic",
        ),
        pytest.param(
            None,
            {"auth_method": "client_secret_jwt"},
            "client_secret must be a non-empty string",
            id="jwt-no-secret",
        ),
        pytest.param(
            SECRET,
            {"auth_method": "client_secret_jwt", "key_id": "k"},
            "key_id= names a private key; client_secret_jwt signs with the secret",
            id="kid-with-secret-jwt",
        ),
        pytest.param(
            "s",
            {"assertion_alg": "RS256"},
            "assertion_alg= is used only with auth_method='client_secret_jwt' or "
            "'private_key_jwt', not 'client_secret_basic'",
            id="alg-with-basic",
        ),
        pytest.param(
            "short",
            {"auth_method": "client_secret_jwt"},
            "client_secret_jwt with HS256 needs a client secret of at least 32 bytes (RFC 7518 "
            "section 3.2); the configured secret is shorter",
            id="short-secret",
        ),
        pytest.param(
            None,
            {"auth_method": "private_key_jwt", "private_key": "not a key"},
            "private_key must be a PEM private key ('-----BEGIN ... PRIVATE KEY-----') or a "
            "private JWK dict",
            id="not-a-key",
        ),
        pytest.param(
            None,
            {"auth_method": "private_key_jwt", "private_key": public_jwk(ec_key())},
            "private_key_jwt needs the private key (the JWK has no 'd' member); the provider "
            "is given the public key",
            id="public-jwk",
        ),
        pytest.param(
            None,
            {
                "auth_method": "private_key_jwt",
                "private_key": ec_key().as_dict(private=True),
                "assertion_alg": "RS256",
            },
            "a P-256 key signs with ES256, not alg='RS256'",
            id="alg-for-key",
        ),
    ],
)
def test_invalid_jwt_configuration_is_refused_whole(
    secret: str | None, options: dict[str, Any], message: str
) -> None:
    with pytest.raises(ClientConfigurationError) as caught:
        ClientCredentials(TOKEN_URL, CLIENT_ID, secret, **options)
    assert str(caught.value) == message


def test_a_damaged_pem_is_refused_without_showing_it() -> None:
    pem = rsa_pem()
    damaged = pem[:200] + "AAAA" + pem[210:]
    with pytest.raises(ClientConfigurationError) as caught:
        ClientCredentials(TOKEN_URL, CLIENT_ID, auth_method="private_key_jwt", private_key=damaged)
    assert damaged[40:120] not in str(caught.value)
    assert "cannot be loaded" in str(caught.value) or "not a valid" in str(caught.value)


def test_public_jwks_is_the_set_to_register() -> None:
    auth = ClientCredentials(
        TOKEN_URL, CLIENT_ID, auth_method="private_key_jwt", private_key=rsa_pem(), key_id="k1"
    )
    assert auth.public_jwks() == {
        "keys": [{**public_jwk(rsa_key()), "kid": "k1", "alg": "RS256", "use": "sig"}]
    }
    with pytest.raises(ClientConfigurationError) as caught:
        ClientCredentials(TOKEN_URL, CLIENT_ID, "s").public_jwks()
    assert str(caught.value) == (
        "public_jwks() needs auth_method='private_key_jwt', not 'client_secret_basic'"
    )


def test_private_key_jwt_on_httpx2() -> None:
    httpx2 = pytest.importorskip("httpx2")
    endpoint = JwtEndpoint(public_jwk(ec_key()), secret=None)
    auth = make(endpoint, auth_method="private_key_jwt", private_key=ec_key().as_dict(private=True))

    def handle(request: Any) -> Any:
        if request.url.host == "api.example.test":
            return httpx2.Response(200, json={"auth": request.headers["Authorization"]})
        answer = endpoint(request)
        return httpx2.Response(answer.status_code, content=answer.content, headers=answer.headers)

    with httpx2.Client(auth=auth, transport=httpx2.MockTransport(handle)) as http:
        assert http.get(API).json() == {"auth": "Bearer tok-1"}
        assert auth.revoke(http) is True
    assert [v.method for v in endpoint.verified] == ["private_key_jwt", "private_key_jwt"]
