"""Client assertions made by independent, unmodified libraries are accepted by the verifier:
Authlib's rfc7523 ``ClientSecretJWT`` / ``PrivateKeyJWT``, MSAL's certificate assertion
(PS256 with ``x5t#S256`` and ``x5c``, no ``kid``), and the MCP SDK's private_key_jwt
(``aud`` = the issuer). The libraries read the wall clock, so the verifier is given it too.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any
from urllib.parse import parse_qs

import pytest
from authlib.oauth2.rfc7523 import ClientSecretJWT, PrivateKeyJWT
from cryptography import x509

from mock_provider.protocol.jwks import x5t_s256
from mock_provider.protocol.rfc7523 import JWT_BEARER, AssertionRejected
from mock_provider.state.jti import JtiStore
from tests.assertions import (
    CLIENT_ID,
    ISSUER,
    SECRET,
    TOKEN_URL,
    b64,
    certificate,
    ec_key,
    keys_of,
    public_jwk,
    rsa_key,
    verify,
)

# MSAL and the MCP SDK come with the "interop" extra (part of "test"); without it their
# cases skip and the Authlib ones still run.


class _Auth:
    """What Authlib's client auth methods read from their session."""

    def __init__(self, client_secret: Any) -> None:
        self.client_id = CLIENT_ID
        self.client_secret = client_secret


def _authlib_form(method: Any, secret: Any) -> dict[str, str]:
    _, _, body = method(_Auth(secret), "POST", TOKEN_URL, {}, "grant_type=client_credentials")
    return {name: values[0] for name, values in parse_qs(body).items()}


def _verify_now(assertion: str, **overrides: Any) -> Any:
    now = time.time()
    return verify(
        assertion, now=now, replay=overrides.pop("replay", JtiStore(lambda: now)), **overrides
    )


@pytest.mark.parametrize("alg", ["HS256", "HS384", "HS512"])
def test_authlib_client_secret_jwt_is_accepted(alg: str) -> None:
    form = _authlib_form(ClientSecretJWT(TOKEN_URL, alg=alg), SECRET)
    assert form["client_assertion_type"] == JWT_BEARER
    verified = _verify_now(form["client_assertion"])
    assert (verified.method, verified.alg, verified.client_id) == (
        "client_secret_jwt",
        alg,
        CLIENT_ID,
    )


@pytest.mark.parametrize(
    ("alg", "key"),
    [
        pytest.param("RS256", rsa_key(), id="RS256-pem"),
        pytest.param("PS256", rsa_key(), id="PS256-pem"),
        pytest.param("ES256", ec_key("P-256"), id="ES256-key-object"),
    ],
)
def test_authlib_private_key_jwt_is_accepted(alg: str, key: Any) -> None:
    secret = key.as_pem(private=True).decode() if alg != "ES256" else key
    form = _authlib_form(PrivateKeyJWT(TOKEN_URL, alg=alg), secret)
    verified = _verify_now(form["client_assertion"], keys=keys_of(public_jwk(key)))
    assert (verified.method, verified.alg) == ("private_key_jwt", alg)


def test_authlib_assertions_are_refused_a_second_time() -> None:
    form = _authlib_form(ClientSecretJWT(TOKEN_URL), SECRET)
    now = time.time()
    store = JtiStore(lambda: now)
    verify(form["client_assertion"], now=now, replay=store)
    with pytest.raises(AssertionRejected, match="already used"):
        verify(form["client_assertion"], now=now, replay=store)


def _msal_assertion(name: str) -> str:
    # Exactly what msal.ConfidentialClientApplication does with
    # client_credential={"private_key": pem, "public_certificate": pem}: thumbprints and
    # x5c from the certificate, then PS256 with x5t#S256 (application.py, _build_client).
    msal_application = pytest.importorskip("msal.application")
    msal_assertion = pytest.importorskip("msal.oauth2cli.assertion")
    cert = x509.load_der_x509_certificate(certificate(name))
    sha256, _, chain = msal_application._extract_cert_and_thumbprints(cert)
    creator = msal_assertion.JwtAssertionCreator(
        rsa_key(name).as_pem(private=True).decode(),
        algorithm="PS256",
        sha256_thumbprint=sha256,
        headers={"x5c": chain},
    )
    raw = creator.create_normal_assertion(audience=TOKEN_URL, issuer=CLIENT_ID)
    return raw.decode() if isinstance(raw, bytes) else str(raw)


def test_msal_certificate_assertion_is_accepted_by_its_x5t_s256() -> None:
    registered = keys_of(
        public_jwk(rsa_key("first"), x5c=[b64(certificate("first"))]),
        public_jwk(rsa_key("second"), x5c=[b64(certificate("second"))]),
    )
    verified = _verify_now(_msal_assertion("second"), keys=registered)
    assert (verified.method, verified.alg) == ("private_key_jwt", "PS256")


def test_msal_certificate_assertion_is_accepted_by_its_x5c_leaf() -> None:
    # Keys registered without their certificates: the x5c header's leaf picks the key.
    registered = keys_of(public_jwk(rsa_key("first")), public_jwk(rsa_key("second")))
    assert _verify_now(_msal_assertion("second"), keys=registered).alg == "PS256"


def test_msal_assertion_from_an_unregistered_certificate_is_refused() -> None:
    registered = keys_of(public_jwk(rsa_key("first"), x5c=[b64(certificate("first"))]))
    with pytest.raises(AssertionRejected) as caught:
        _verify_now(_msal_assertion("second"), keys=registered)
    assert caught.value.rule == "x5t#S256"
    assert x5t_s256(certificate("second")) not in caught.value.description


def test_mcp_sdk_private_key_jwt_with_the_issuer_as_audience_is_accepted() -> None:
    mcp_credentials = pytest.importorskip("mcp.client.auth.extensions.client_credentials")
    params = mcp_credentials.SignedJWTParameters(
        issuer=CLIENT_ID,
        subject=CLIENT_ID,
        signing_key=rsa_key().as_pem(private=True).decode(),
    )
    assertion = asyncio.run(params.create_assertion_provider()(ISSUER))
    verified = _verify_now(assertion)
    assert (verified.method, verified.alg, verified.client_id) == (
        "private_key_jwt",
        "RS256",
        CLIENT_ID,
    )
