"""RFC 7523 §2.2 (and RFC 7521 §4.2, OpenID Connect Core §9): a JWT authenticates the client.

The verifier is pure; these tests call it as the token, revocation and introspection
endpoints will. Every refusal is pinned whole: it names the rule and echoes nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

import pytest
from joserfc.jwk import OctKey
from joserfc.util import urlsafe_b64encode

from mock_provider.protocol.jwks import x5t, x5t_s256
from mock_provider.protocol.rfc7523 import (
    JWT_BEARER,
    AssertionRejected,
    ClaimedAssertion,
    claim_assertion,
    claimed_client_id,
)
from mock_provider.state.jti import JtiStore
from tests.assertions import (
    CLIENT_ID,
    NOW,
    SECRET,
    b64,
    certificate,
    claims,
    ec_key,
    keys_of,
    okp_key,
    public_jwk,
    rsa_key,
    sign,
    verify,
)


def _rejected(assertion: Any, **overrides: Any) -> AssertionRejected:
    with pytest.raises(AssertionRejected) as caught:
        verify(assertion, **overrides)
    return caught.value


@pytest.mark.parametrize(
    "assertion_type",
    [
        pytest.param(None, id="missing"),
        pytest.param("urn:ietf:params:oauth:client-assertion-type:saml2-bearer", id="saml2"),
        pytest.param(JWT_BEARER.upper(), id="case-differs"),
    ],
)
def test_rfc7523_2_2_client_assertion_type_is_the_jwt_bearer_urn(assertion_type: Any) -> None:
    error = _rejected(sign(claims()), assertion_type=assertion_type)
    assert error.rule == "client_assertion_type"
    assert error.description == (
        "client assertion: client_assertion_type must be "
        "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
    )


@pytest.mark.parametrize(
    "assertion",
    [
        pytest.param("a.b.c.d.e", id="jwe-five-segments"),
        pytest.param("a.b", id="two-segments"),
        pytest.param(sign(claims()) + "." + sign(claims()), id="two-jwts"),
        pytest.param("", id="empty"),
    ],
)
def test_rfc7523_2_2_the_assertion_is_a_single_jws_compact_jwt(assertion: str) -> None:
    error = _rejected(assertion)
    assert (error.rule, error.description) == (
        "format",
        "client assertion: must be a JWT in JWS compact serialization (RFC 7523 §2.2)",
    )


def test_rfc7523_2_2_an_undecodable_jws_is_refused_without_echo() -> None:
    error = _rejected("!!!.%%%.###")
    assert error.description == "client assertion: is not a decodable JWS compact serialization"


def _compact(header: bytes, payload: bytes, signature: bytes = b"s" * 64) -> str:
    return b".".join(urlsafe_b64encode(part) for part in (header, payload, signature)).decode()


UNDECODABLE = "client assertion: is not a decodable JWS compact serialization"


@pytest.mark.parametrize(
    "header",
    [
        pytest.param(b'"alg"', id="a-string-holding-alg"),
        pytest.param(b'["alg"]', id="an-array-holding-alg"),
        pytest.param(b'{"typ":"JWT"}', id="no-alg"),
    ],
)
def test_rfc7515_4_the_jose_header_is_a_json_object_with_alg(header: bytes) -> None:
    # A string or an array holding "alg" once passed as a header (and failed later with an
    # AttributeError, a 500 at the endpoint); RFC 7515 §4.1.1: alg "MUST be present".
    error = _rejected(_compact(header, json.dumps(claims()).encode()))
    assert (error.rule, error.description) == ("format", UNDECODABLE)


@pytest.mark.parametrize("part", ["header", "claims"])
@pytest.mark.parametrize("encoding", ["utf-16", "utf-32", "utf-8-sig"])
def test_rfc7515_5_2_header_and_claims_are_utf8_json(part: str, encoding: str) -> None:
    """§5.2 step 3 (RFC 7519 §7.2 step 10 for the claims): the octets must be "a
    UTF-8-encoded representation of a completely valid JSON object"; json.loads of bytes
    would read UTF-16, UTF-32 and a BOM too."""
    header, payload = json.dumps({"alg": "RS256"}), json.dumps(claims())
    assertion = _compact(
        header.encode(encoding if part == "header" else "utf-8"),
        payload.encode(encoding if part == "claims" else "utf-8"),
    )
    error = _rejected(assertion)
    assert (error.rule, error.description) == ("format", UNDECODABLE)


def test_rfc7797_6_an_unencoded_payload_needs_b64_in_crit() -> None:
    """RFC 7797 §6: "b64": false without "b64" in crit is not a JWS (joserfc's rule); with
    it, the payload is the JSON itself, and crit is refused (RFC 7515 §4.1.11)."""
    body = json.dumps(claims(aud="no-dots"), separators=(",", ":"))  # a compact JWS has two
    error = _rejected(_compact(b'{"alg":"RS256","b64":false}', body.encode()))
    assert (error.rule, error.description) == ("format", UNDECODABLE)
    with_crit = urlsafe_b64encode(b'{"alg":"RS256","b64":false,"crit":["b64"]}').decode()
    assert _rejected(f"{with_crit}.{body}.{'s' * 86}").rule == "crit"


def test_rfc7523_2_2_joserfcs_size_bounds_hold() -> None:
    """joserfc's JWS bounds, raised for x5c headers: 16 KiB of header or payload, 1400 bytes
    of signature segment."""
    padded = claims(pad="p" * 12000)
    assert verify(sign(padded)).client_id == CLIENT_ID  # 16 KiB of base64url
    for assertion in (
        sign(claims(pad="p" * 12300)),
        sign(claims(), x5c=["A" * 12300]),
        sign(claims()) + "A" * 1400,
    ):
        error = _rejected(assertion)
        assert (error.rule, error.description) == ("format", UNDECODABLE)


def test_rfc7521_4_2_a_client_id_parameter_must_name_the_assertion_client() -> None:
    assertion = sign(claims())
    assert verify(assertion, client_id=CLIENT_ID).client_id == CLIENT_ID
    error = _rejected(sign(claims(jti="other")), client_id="someone-else")
    assert (error.rule, error.description) == (
        "client_id",
        "client assertion: the client_id parameter differs from iss (RFC 7521 §4.2)",
    )


def test_rfc7523_2_2_claimed_client_id_reads_iss_before_any_key_is_known() -> None:
    assertion = sign(claims())
    assert claimed_client_id(assertion, JWT_BEARER, None) == CLIENT_ID
    with pytest.raises(AssertionRejected, match="differs from iss"):
        claimed_client_id(assertion, JWT_BEARER, "other")


def test_rfc7523_2_2_a_claimed_assertion_is_verified_without_decoding_it_again() -> None:
    assertion = sign(claims())
    claimed = claim_assertion(assertion, JWT_BEARER, None)
    assert isinstance(claimed, ClaimedAssertion)
    assert claimed.client_id == CLIENT_ID
    # Its repr names the claimed client only: never a claim, the header or the JWT.
    assert repr(claimed) == f"ClaimedAssertion(client_id={CLIENT_ID!r})"
    verified = verify(claimed)
    assert (verified.client_id, verified.method) == (CLIENT_ID, "private_key_jwt")
    # RFC 7521 §4.2: the client_id parameter is still held to iss when passed decoded.
    error = _rejected(claim_assertion(sign(claims(jti="x")), JWT_BEARER, None), client_id="b")
    assert error.rule == "client_id"


@pytest.mark.parametrize(
    ("alg", "method"),
    [
        pytest.param("HS256", "client_secret_jwt", id="HS256"),
        pytest.param("HS384", "client_secret_jwt", id="HS384"),
        pytest.param("HS512", "client_secret_jwt", id="HS512"),
        pytest.param("RS256", "private_key_jwt", id="RS256"),
        pytest.param("RS384", "private_key_jwt", id="RS384"),
        pytest.param("RS512", "private_key_jwt", id="RS512"),
        pytest.param("PS256", "private_key_jwt", id="PS256"),
        pytest.param("PS384", "private_key_jwt", id="PS384"),
        pytest.param("PS512", "private_key_jwt", id="PS512"),
    ],
)
def test_oidc_core_9_each_algorithm_of_each_method_is_accepted(alg: str, method: str) -> None:
    verified = verify(sign(claims(), alg=alg))
    assert (verified.method, verified.alg, verified.client_id) == (method, alg, CLIENT_ID)
    assert (verified.jti, verified.exp) == ("jti-0001", NOW + 60)


@pytest.mark.parametrize(
    ("alg", "key"),
    [
        pytest.param("ES256", ec_key("P-256"), id="ES256"),
        pytest.param("ES384", ec_key("P-384"), id="ES384"),
        pytest.param("ES512", ec_key("P-521"), id="ES512"),
        pytest.param("EdDSA", okp_key("Ed25519"), id="EdDSA-Ed25519"),
        pytest.param("EdDSA", okp_key("Ed448"), id="EdDSA-Ed448"),
    ],
)
def test_oidc_core_9_private_key_jwt_with_ec_and_okp_keys(alg: str, key: Any) -> None:
    verified = verify(sign(claims(), key, alg), keys=keys_of(public_jwk(key)))
    assert (verified.method, verified.alg) == ("private_key_jwt", alg)


@pytest.mark.parametrize(
    ("alg", "allowed", "method"),
    [
        pytest.param("HS256", ("private_key_jwt",), "client_secret_jwt", id="hmac-not-allowed"),
        pytest.param("RS256", ("client_secret_jwt",), "private_key_jwt", id="rsa-not-allowed"),
    ],
)
def test_rfc7523_2_2_the_method_must_be_one_the_client_may_use(
    alg: str, allowed: tuple[str, ...], method: str
) -> None:
    error = _rejected(sign(claims(), alg=alg), auth_methods=allowed)
    assert (error.rule, error.description) == (
        "method",
        f"client assertion: {method} is not an auth method of this client",
    )


def _hs256_keyed_with_the_public_key() -> str:
    # The algorithm-confusion attack: HS256 keyed with the bytes of the public key (joserfc
    # itself refuses to make such a key, so the MAC is computed by hand).
    unsigned = sign(claims(), alg="none").rsplit(".", 1)[0]
    header, payload = unsigned.split(".")
    header = urlsafe_b64encode(json.dumps({"alg": "HS256", "typ": "JWT"}).encode()).decode()
    signing_input = f"{header}.{payload}".encode()
    mac = hmac.new(rsa_key().as_pem(private=False), signing_input, hashlib.sha256).digest()
    return f"{header}.{payload}.{urlsafe_b64encode(mac).decode()}"


def test_rfc8725_3_1_an_hmac_alg_against_a_public_key_is_refused() -> None:
    error = _rejected(_hs256_keyed_with_the_public_key(), secret=None)
    assert (error.rule, error.description) == (
        "alg",
        "client assertion: an HMAC alg needs a client secret; this client has public keys",
    )


def test_rfc8725_3_1_an_hmac_alg_is_keyed_with_the_secret_only() -> None:
    # A client with a secret and keys: the public key is never tried as the HMAC key.
    assert _rejected(_hs256_keyed_with_the_public_key()).rule == "signature"


def test_rfc7523_2_2_private_key_jwt_needs_a_registered_key() -> None:
    error = _rejected(sign(claims()), keys=())
    assert error.description == (
        "client assertion: the client has no registered public key for private_key_jwt"
    )


@pytest.mark.parametrize(
    ("alg", "needed"),
    [
        pytest.param("HS256", 32, id="HS256"),
        pytest.param("HS384", 48, id="HS384"),
        pytest.param("HS512", 64, id="HS512"),
    ],
)
def test_rfc7518_3_2_the_hmac_key_is_at_least_the_hash_size(alg: str, needed: int) -> None:
    short = SECRET[: needed - 1]
    assertion = sign(claims(), OctKey.import_key(short.encode()), alg)
    error = _rejected(assertion, secret=short)
    assert error.description == (
        f"client assertion: {alg} needs a client secret of at least {needed} bytes (RFC 7518)"
    )
    assert short not in repr(error)


def _two_keys() -> tuple[Any, Any]:
    return rsa_key("first"), rsa_key("second")


def test_rfc7515_4_1_4_the_key_is_chosen_by_kid() -> None:
    first, second = _two_keys()
    keys = keys_of(public_jwk(first, kid="k1"), public_jwk(second, kid="k2"))
    assert verify(sign(claims(), second, kid="k2"), keys=keys).alg == "RS256"
    error = _rejected(sign(claims(), second, kid="k3"), keys=keys)
    assert (error.rule, error.description) == (
        "kid",
        "client assertion: no registered key matches the kid header (RFC 7515 §4.1.4)",
    )


def test_rfc7515_4_1_4_a_kid_naming_the_wrong_key_fails_the_signature() -> None:
    first, second = _two_keys()
    keys = keys_of(public_jwk(first, kid="k1"), public_jwk(second, kid="k2"))
    error = _rejected(sign(claims(), second, kid="k1"), keys=keys)
    assert error.rule == "signature"


@pytest.mark.parametrize(
    ("member", "thumbprint"),
    [
        pytest.param("x5t#S256", x5t_s256, id="x5t#S256"),
        pytest.param("x5t", x5t, id="x5t"),
    ],
)
def test_rfc7515_4_1_7_and_4_1_8_the_key_is_chosen_by_certificate_thumbprint(
    member: str, thumbprint: Any
) -> None:
    first, second = _two_keys()
    keys = keys_of(
        public_jwk(first, x5c=[b64(certificate("first"))]),
        public_jwk(second, x5c=[b64(certificate("second"))]),
    )
    header = {member: thumbprint(certificate("second"))}
    assert verify(sign(claims(), second, "PS256", **header), keys=keys).alg == "PS256"
    stranger = {member: thumbprint(certificate("stranger"))}
    error = _rejected(sign(claims(), second, "PS256", **stranger), keys=keys)
    assert error.rule == member
    assert error.description.startswith(f"client assertion: no registered key matches the {member}")


def test_rfc7515_4_1_6_the_key_is_chosen_by_the_x5c_leaf_certificate() -> None:
    # A JWK registered without its certificate still matches the certificate's key.
    first, second = _two_keys()
    keys = keys_of(public_jwk(first), public_jwk(second))
    chain = [b64(certificate("second"))]
    assert verify(sign(claims(), second, "PS256", x5c=chain), keys=keys).alg == "PS256"
    error = _rejected(sign(claims(), second, x5c=[b64(certificate("stranger"))]), keys=keys)
    assert (error.rule, error.description) == (
        "x5c",
        "client assertion: the x5c header's certificate holds no registered key (RFC 7515 §4.1.6)",
    )


def test_rfc7515_4_1_6_an_x5c_header_that_is_no_certificate_is_refused() -> None:
    keys = keys_of(public_jwk(rsa_key("first")), public_jwk(rsa_key("second")))
    error = _rejected(sign(claims(), rsa_key("second"), x5c=["bm90IGEgY2VydA=="]), keys=keys)
    assert error.description == "client assertion: the x5c header's first certificate is not DER"


def test_rfc7523_2_2_the_only_key_of_a_client_needs_no_hint() -> None:
    assert verify(sign(claims()), keys=keys_of(public_jwk(rsa_key(), kid="only"))).alg == "RS256"


def test_rfc7523_2_2_several_keys_and_no_hint_is_refused() -> None:
    first, second = _two_keys()
    error = _rejected(sign(claims(), second), keys=keys_of(public_jwk(first), public_jwk(second)))
    assert error.description == (
        "client assertion: the client has 2 keys for RS256; name one with kid, x5t#S256, x5t or x5c"
    )


def test_rfc7515_4_1_3_an_embedded_jwk_header_is_never_trusted() -> None:
    attacker = rsa_key("attacker")
    forged = sign(claims(), attacker, jwk=public_jwk(attacker))
    assert _rejected(forged).rule == "signature"


def test_rfc7518_3_1_the_alg_must_fit_a_registered_key_type() -> None:
    error = _rejected(sign(claims(), ec_key("P-256"), "ES256"))
    assert (error.rule, error.description) == (
        "alg",
        "client assertion: no registered key of this client can verify ES256",
    )


def test_rfc7517_4_4_a_key_registered_for_another_alg_is_refused() -> None:
    keys = keys_of(public_jwk(rsa_key(), alg="PS256"))
    error = _rejected(sign(claims(), alg="RS256"), keys=keys)
    assert (error.rule, error.description) == (
        "signature",
        "client assertion: the registered key does not allow RS256",
    )


def test_rfc7517_4_4_a_registered_key_is_checked_at_its_first_signature_of_an_alg() -> None:
    """The use/key_ops/alg check of a registered key runs once per alg; a refusal is not
    remembered as an acceptance: the key is refused at every assertion."""
    allowed = keys_of(public_jwk(rsa_key(), alg="RS256"))
    calls: list[str] = []
    real = allowed[0].check_allows

    def counting(alg: str, model: Any) -> None:
        calls.append(alg)
        real(alg, model)

    object.__setattr__(allowed[0], "check_allows", counting)
    for jti in ("a", "b", "c"):
        verify(sign(claims(jti=jti)), keys=allowed)
    assert calls == ["RS256"] * 3  # asked each time, answered by joserfc once
    assert allowed[0]._allowed == {"RS256"}
    refused = keys_of(public_jwk(rsa_key(), alg="PS256"))
    for jti in ("a", "b"):
        assert _rejected(sign(claims(jti=jti)), keys=refused).rule == "signature"
    assert refused[0]._allowed == set()


def test_oidc_core_9_a_verified_jti_is_spent_in_the_given_store() -> None:
    store = JtiStore(lambda: NOW)
    verify(sign(claims()), replay=store)
    assert len(store) == 1
    assert repr(store) == "JtiStore(1 spent)"


def test_rfc7515_4_1_8_a_padded_thumbprint_as_msal_sends_it_is_matched() -> None:
    first, second = _two_keys()
    keys = keys_of(
        public_jwk(first, x5c=[b64(certificate("first"))]),
        public_jwk(second, x5c=[b64(certificate("second"))]),
    )
    padded = x5t_s256(certificate("second")) + "="
    assert verify(sign(claims(), second, "PS256", **{"x5t#S256": padded}), keys=keys).alg == "PS256"
