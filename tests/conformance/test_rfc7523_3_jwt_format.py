"""RFC 7523 §3 (and OpenID Connect Core §9, RFC 7515/7519/8725): what the JWT must hold.

One test per rule, each refusal pinned whole; the defaults are a 3600 s maximum lifetime and
a 60 s clock skew (see the comments at MAX_LIFETIME / CLOCK_SKEW in rfc7523.py).
"""

from __future__ import annotations

from typing import Any

import pytest
from joserfc.util import json_b64encode

from mock_provider.protocol import rfc7523
from mock_provider.protocol.rfc7523 import CLOCK_SKEW, MAX_LIFETIME, AssertionRejected
from mock_provider.state.jti import JtiStore
from tests.assertions import CLIENT_ID, ISSUER, NOW, TOKEN_URL, claims, sign, verify


def _rejected(assertion: str, **overrides: Any) -> AssertionRejected:
    with pytest.raises(AssertionRejected) as caught:
        verify(assertion, **overrides)
    return caught.value


def _pinned(assertion: str, rule: str, description: str, **overrides: Any) -> None:
    error = _rejected(assertion, **overrides)
    assert (error.rule, error.description) == (rule, "client assertion: " + description)


@pytest.mark.parametrize(
    "iss",
    [pytest.param(None, id="missing"), pytest.param("", id="empty"), pytest.param(7, id="number")],
)
def test_rfc7523_3_1_iss_is_required(iss: Any) -> None:
    _pinned(sign(claims(iss=iss)), "iss", "iss is required and must be the client_id (RFC 7523 §3)")


@pytest.mark.parametrize("sub", [pytest.param(None, id="missing"), pytest.param(["a"], id="array")])
def test_rfc7523_3_2_sub_is_required(sub: Any) -> None:
    _pinned(sign(claims(sub=sub)), "sub", "sub is required and must be the client_id (RFC 7523 §3)")


def test_oidc_core_9_iss_and_sub_are_both_the_client_id() -> None:
    _pinned(
        sign(claims(sub="another-client")),
        "sub",
        "iss and sub must both be the client_id (OpenID Connect Core §9)",
    )


@pytest.mark.parametrize(
    "aud",
    [
        pytest.param(TOKEN_URL, id="token-endpoint"),
        pytest.param(ISSUER, id="issuer"),
        pytest.param([TOKEN_URL], id="array-token-endpoint"),
        pytest.param(["https://elsewhere.test", ISSUER], id="array-holding-issuer"),
    ],
)
def test_rfc7523_3_3_aud_holds_the_token_endpoint_or_the_issuer(aud: Any) -> None:
    assert verify(sign(claims(aud=aud))).client_id == CLIENT_ID


@pytest.mark.parametrize(
    "aud",
    [
        pytest.param(None, id="missing"),
        pytest.param("https://elsewhere.test/oauth/token", id="another-server"),
        pytest.param(ISSUER + "/", id="issuer-with-slash"),
        pytest.param(TOKEN_URL.upper(), id="case-differs"),
        pytest.param([], id="empty-array"),
        pytest.param([1, 2], id="array-of-numbers"),
    ],
)
def test_rfc7523_3_3_an_assertion_for_another_audience_is_refused(aud: Any) -> None:
    _pinned(
        sign(claims(aud=aud)),
        "aud",
        "aud must hold the token endpoint URL or the issuer (RFC 7523 §3)",
    )


def test_rfc7523_3_4_exp_is_required() -> None:
    _pinned(sign(claims(exp=None)), "exp", "exp is required (RFC 7523 §3)")


@pytest.mark.parametrize(
    "exp",
    [
        pytest.param(NOW - CLOCK_SKEW, id="expired-by-the-skew"),
        pytest.param(NOW - 3600, id="long-expired"),
    ],
)
def test_rfc7523_3_4_an_expired_assertion_is_refused(exp: float) -> None:
    _pinned(sign(claims(exp=exp, iat=exp - 60)), "exp", "exp has passed (RFC 7523 §3)")


def test_rfc7523_3_4_exp_is_accepted_within_the_clock_skew() -> None:
    exp = NOW - CLOCK_SKEW + 1
    assert verify(sign(claims(exp=exp, iat=exp - 60))).exp == exp


def test_rfc7523_3_4_exp_as_a_non_integer_numeric_date_is_accepted() -> None:
    # MSAL sends time.time() floats for iat and exp; RFC 7519 §2 allows them.
    assert verify(sign(claims(iat=NOW + 0.25, exp=NOW + 600.5))).exp == NOW + 600.5


@pytest.mark.parametrize(
    ("name", "value"),
    [
        pytest.param("exp", "1700000060", id="exp-string"),
        pytest.param("exp", True, id="exp-boolean"),
        pytest.param("iat", "now", id="iat-string"),
        pytest.param("nbf", [1], id="nbf-array"),
    ],
)
def test_rfc7519_2_dates_are_numeric_dates(name: str, value: Any) -> None:
    _pinned(sign(claims(**{name: value})), name, f"{name} must be a NumericDate (RFC 7519 §2)")


@pytest.mark.parametrize("name", ["exp", "iat", "nbf"])
def test_rfc7519_2_a_numeric_date_past_any_float_is_refused_not_a_crash(name: str) -> None:
    # JSON allows any integer; 10**400 has no float (float() raised OverflowError: a 500).
    _pinned(
        sign(claims(**{name: 10**400})),
        name,
        f"{name} is out of range for a NumericDate (RFC 7519 §2)",
    )


def test_rfc7523_3_4_a_lifetime_beyond_the_maximum_is_refused() -> None:
    at_limit = claims(exp=NOW + MAX_LIFETIME)
    assert verify(sign(at_limit)).exp == NOW + MAX_LIFETIME
    _pinned(
        sign(claims(exp=NOW + MAX_LIFETIME + 1)),
        "exp",
        "the assertion lives longer than 3600 s (RFC 7523 §3)",
    )


def test_rfc7523_3_4_the_maximum_lifetime_is_measured_from_now_without_iat() -> None:
    _pinned(
        sign(claims(iat=None, exp=NOW + 301)),
        "exp",
        "the assertion lives longer than 300 s (RFC 7523 §3)",
        max_lifetime=300,
    )
    assert verify(sign(claims(iat=None, exp=NOW + 300)), max_lifetime=300).exp == NOW + 300


def test_rfc7523_3_6_an_iat_far_in_the_past_is_refused_through_the_lifetime() -> None:
    _pinned(
        sign(claims(iat=NOW - 7200, exp=NOW + 60)),
        "exp",
        "the assertion lives longer than 3600 s (RFC 7523 §3)",
    )


@pytest.mark.parametrize(
    ("name", "rule"),
    [pytest.param("nbf", "nbf", id="nbf"), pytest.param("iat", "iat", id="iat")],
)
def test_rfc7523_3_5_and_3_6_nbf_and_iat_are_not_in_the_future(name: str, rule: str) -> None:
    within = claims(**{name: NOW + CLOCK_SKEW}, exp=NOW + CLOCK_SKEW + 60)
    assert verify(sign(within)).client_id == CLIENT_ID
    beyond = claims(**{name: NOW + CLOCK_SKEW + 1}, exp=NOW + CLOCK_SKEW + 60, jti="j2")
    _pinned(sign(beyond), rule, f"{name} is in the future (RFC 7523 §3)")


@pytest.mark.parametrize(
    "jti", [pytest.param(None, id="missing"), pytest.param("", id="empty"), pytest.param(5, id="n")]
)
def test_oidc_core_9_jti_is_required(jti: Any) -> None:
    _pinned(sign(claims(jti=jti)), "jti", "jti is required (OpenID Connect Core §9)")


def test_oidc_core_9_an_assertion_is_used_once() -> None:
    store = JtiStore(lambda: NOW)
    assertion = sign(claims())
    verify(assertion, replay=store)
    _pinned(
        assertion,
        "jti",
        "this jti was already used: an assertion is single-use (OIDC §9)",
        replay=store,
    )


def test_rfc7523_3_7_a_jti_is_per_client() -> None:
    store = JtiStore(lambda: NOW)
    verify(sign(claims()), replay=store)
    other = claims(iss="client-b", sub="client-b")
    assert verify(sign(other), replay=store).client_id == "client-b"


def test_rfc7523_3_7_a_jti_is_forgotten_once_its_assertion_has_expired() -> None:
    now = [NOW]
    store = JtiStore(lambda: now[0])
    verify(sign(claims()), replay=store)
    now[0] = NOW + 60 + CLOCK_SKEW + 1
    verify(sign(claims(iat=now[0], exp=now[0] + 60)), replay=store, now=now[0])
    assert len(store) == 1  # the first entry was dropped, the second recorded


def test_rfc7523_3_7_a_refused_assertion_does_not_spend_its_jti() -> None:
    store = JtiStore(lambda: NOW)
    with pytest.raises(AssertionRejected):
        verify(sign(claims(aud="https://elsewhere.test")), replay=store)
    assert len(store) == 0


def test_rfc7523_3_8_alg_none_is_refused() -> None:
    _pinned(
        sign(claims(), alg="none"),
        "alg",
        "alg none is refused: the JWT must be signed (RFC 7523 §3)",
    )


@pytest.mark.parametrize(
    "alg",
    [
        pytest.param("ES256K", id="ES256K"),
        pytest.param("Ed25519", id="fully-specified-Ed25519"),
        pytest.param(["RS256"], id="array"),
    ],
)
def test_rfc7523_3_8_an_algorithm_outside_both_methods_is_refused(alg: Any) -> None:
    head = sign(claims()).split(".")
    forged = ".".join([json_b64encode({"alg": alg}).decode(), head[1], head[2]])
    _pinned(forged, "alg", "alg is not an algorithm of client_secret_jwt or private_key_jwt")


@pytest.mark.parametrize(
    "part",
    [pytest.param(1, id="claims"), pytest.param(2, id="signature"), pytest.param(0, id="header")],
)
def test_rfc7523_3_9_a_tampered_assertion_fails_the_signature(part: int) -> None:
    pieces = sign(claims()).split(".")
    other = sign(claims(jti="another", exp=NOW + 61), kid="k").split(".")
    pieces[part] = other[part]
    _pinned(".".join(pieces), "signature", "the signature does not verify with the client's key")


def test_rfc7515_4_1_11_a_crit_header_is_refused() -> None:
    _pinned(
        sign(claims(), crit=["exp"]),
        "crit",
        "crit names extensions this server does not support (RFC 7515)",
    )


def test_rfc7519_5_2_a_nested_jwt_is_refused() -> None:
    _pinned(
        sign(claims(), cty="JWT"),
        "cty",
        "a nested JWT is refused: send a single signed JWT (RFC 7523)",
    )


@pytest.mark.parametrize(
    ("typ", "accepted"),
    [
        pytest.param("JWT", True, id="JWT"),
        pytest.param("client-authentication+jwt", True, id="rfc7523bis"),
        pytest.param("application/jwt", True, id="media-type"),
        pytest.param("at+jwt", False, id="access-token"),
        pytest.param("dpop+jwt", False, id="dpop-proof"),
    ],
)
def test_rfc8725_3_11_typ_marks_a_client_assertion(typ: str, accepted: bool) -> None:
    assertion = sign(claims(), typ=typ)
    if accepted:
        assert verify(assertion).client_id == CLIENT_ID
    else:
        _pinned(
            assertion, "typ", "typ marks another kind of JWT than a client assertion (RFC 8725)"
        )


def test_rfc7519_7_2_the_claims_are_a_json_object() -> None:
    _pinned(
        sign(b'["not", "an", "object"]'),
        "format",
        "the JWT claims must be a JSON object (RFC 7519 §7.2)",
    )


def test_no_refusal_echoes_the_assertion_or_a_claim_value() -> None:
    secret_looking = "jti-that-must-not-be-echoed-0123456789"
    cases = [
        sign(claims(jti=secret_looking, aud="https://elsewhere.test")),
        sign(claims(jti=secret_looking, sub="other-" + secret_looking)),
        sign(claims(jti=secret_looking), alg="none"),
    ]
    for assertion in cases:
        error = _rejected(assertion)
        signature = assertion.split(".")[2]
        for text in (str(error), repr(error), error.description):
            assert secret_looking not in text
            assert assertion not in text
            assert not signature or signature not in text


def _refused(assertion: Any) -> AssertionRejected:
    with pytest.raises(AssertionRejected) as refused:
        verify(assertion)
    return refused.value


def test_rfc7523_3_a_claimed_assertion_made_by_hand_has_its_identity_checked() -> None:
    real = rfc7523.claim_assertion(sign(claims()), rfc7523.JWT_BEARER, None)
    # Not made by claim_assertion: the identity rules run at verification.
    forged = rfc7523.ClaimedAssertion(
        CLIENT_ID, real.header, {**real.claims, "sub": "other"}, real.signed
    )
    assert _refused(forged).rule == "sub"  # OpenID Connect Core §9: iss and sub differ
    checked = rfc7523.claim_assertion(sign(claims(jti="y")), rfc7523.JWT_BEARER, CLIENT_ID)
    assert verify(checked, client_id=CLIENT_ID).client_id == CLIENT_ID
