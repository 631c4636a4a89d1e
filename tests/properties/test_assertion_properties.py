"""Properties of the client-assertion verifier (RFC 7523 §3, OpenID Connect Core §9): any valid
assertion is accepted once, any tampered claim, header or signature is refused, and no
assertion is accepted twice."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from mock_provider.protocol.rfc7523 import (
    CLOCK_SKEW,
    MAX_LIFETIME,
    AssertionRejected,
)
from mock_provider.state.jti import JtiStore
from tests.assertions import (
    CLIENT_ID,
    ISSUER,
    NOW,
    SECRET,
    TOKEN_URL,
    ec_key,
    keys_of,
    public_jwk,
    rsa_key,
    sign,
    verify,
)
from tests.assertions import claims as valid_claims

ALGS = st.sampled_from(["HS256", "HS384", "HS512", "RS256", "PS256", "ES256"])
JTIS = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=40)
KEYS = keys_of(public_jwk(rsa_key(), kid="rsa"), public_jwk(ec_key("P-256"), kid="ec"))


def _sign(payload: dict[str, Any], alg: str) -> str:
    if alg.startswith("HS"):
        return sign(payload, alg=alg)
    key, kid = (ec_key("P-256"), "ec") if alg == "ES256" else (rsa_key(), "rsa")
    return sign(payload, key, alg, kid=kid)


@st.composite
def valid_assertion_claims(draw: st.DrawFn) -> dict[str, Any]:
    iat = NOW + draw(st.floats(-CLOCK_SKEW, CLOCK_SKEW))
    lifetime = draw(st.floats(1, MAX_LIFETIME))
    exp = min(iat + lifetime, NOW + MAX_LIFETIME)
    assume(exp > NOW - CLOCK_SKEW + 1e-3)
    aud = draw(st.sampled_from([TOKEN_URL, ISSUER, [TOKEN_URL], ["https://x.test", ISSUER]]))
    return valid_claims(iat=iat, exp=exp, aud=aud, jti=draw(JTIS))


def _accepts(assertion: str, store: JtiStore | None = None) -> bool:
    try:
        verify(assertion, keys=KEYS, replay=JtiStore(lambda: NOW) if store is None else store)
    except AssertionRejected:
        return False
    return True


@given(valid_assertion_claims(), ALGS)
def test_any_valid_assertion_is_accepted_once_and_only_once(
    payload: dict[str, Any], alg: str
) -> None:
    store = JtiStore(lambda: NOW)
    assertion = _sign(payload, alg)
    assert _accepts(assertion, store)
    assert not _accepts(assertion, store)


TAMPERED_CLAIMS = st.sampled_from(["iss", "sub", "aud", "exp", "iat", "jti"])


@given(valid_assertion_claims(), ALGS, TAMPERED_CLAIMS, st.text(max_size=10) | st.integers())
def test_any_tampered_claim_is_refused(
    payload: dict[str, Any], alg: str, name: str, value: Any
) -> None:
    assertion = _sign(payload, alg)
    header, _, signature = assertion.split(".")
    changed = dict(payload, **{name: value})
    assume(changed != payload)
    raw = json.dumps(changed).encode()
    forged_body = base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
    assert not _accepts(f"{header}.{forged_body}.{signature}")


@given(valid_assertion_claims(), ALGS, st.data())
def test_any_tampered_signature_is_refused(
    payload: dict[str, Any], alg: str, data: st.DataObject
) -> None:
    assertion = _sign(payload, alg)
    header, body, signature = assertion.split(".")
    raw = bytearray(base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4)))
    index = data.draw(st.integers(0, len(raw) - 1))
    raw[index] ^= data.draw(st.integers(1, 255))
    forged = base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()
    assert not _accepts(f"{header}.{body}.{forged}")


HEADER_CHANGES = st.sampled_from(
    [
        {"alg": "none"},
        {"alg": "HS256"},
        {"alg": "RS512"},
        {"kid": "unknown"},
        {"crit": ["exp"]},
        {"cty": "JWT"},
        {"typ": "at+jwt"},
    ]
)


@given(valid_assertion_claims(), ALGS, HEADER_CHANGES)
def test_any_tampered_header_is_refused(
    payload: dict[str, Any], alg: str, change: dict[str, Any]
) -> None:
    assertion = _sign(payload, alg)
    header, body, signature = assertion.split(".")
    decoded = json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))
    forged_header = dict(decoded, **change)
    assume(forged_header != decoded)
    raw = json.dumps(forged_header).encode()
    encoded = base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
    assert not _accepts(f"{encoded}.{body}.{signature}")


@given(st.lists(valid_assertion_claims(), min_size=2, max_size=6), ALGS)
def test_no_assertion_is_accepted_twice_in_any_order(
    payloads: list[dict[str, Any]], alg: str
) -> None:
    store = JtiStore(lambda: NOW)
    assertions = [_sign(p, alg) for p in payloads]
    accepted = [a for a in assertions + assertions[::-1] if _accepts(a, store)]
    distinct_jtis = {p["jti"] for p in payloads}
    assert len(accepted) == len(distinct_jtis)
    assert all(p["iss"] == CLIENT_ID for p in payloads)


# What a compact JWS is written with: base64url and the dots between segments.
BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
EDITS = ["replace", "insert", "delete", "truncate", "twin"]


def _twin(segment: str, flip: int) -> str | None:
    """``segment`` with its last character swapped for one that differs in the bits that
    base64url leaves unused there (RFC 4648 §3.5: a lenient decoder reads both as the same
    octets; joserfc refuses the non-canonical one)."""
    unused = {2: 4, 3: 2}.get(len(segment) % 4)
    if unused is None:
        return None
    value = BASE64URL.index(segment[-1]) ^ (flip % (2**unused - 1) + 1)
    return segment[:-1] + BASE64URL[value]


@st.composite
def tampered(draw: st.DrawFn, assertion: str, edit: str) -> str:
    """``assertion`` with one character replaced, inserted or deleted, cut short, or a
    segment's last character swapped for its non-canonical twin (a replacement may be the
    character itself: the untouched assertion is drawn too)."""
    if edit == "twin":
        segments = assertion.split(".")
        which = draw(st.integers(0, 2))
        twin = _twin(segments[which], draw(st.integers(0, 14)))
        assume(twin is not None)
        segments[which] = str(twin)
        return ".".join(segments)
    index = draw(st.integers(0, len(assertion) - 1))
    character = draw(st.sampled_from(BASE64URL + "."))
    if edit == "replace":
        return assertion[:index] + character + assertion[index + 1 :]
    if edit == "insert":
        return assertion[:index] + character + assertion[index:]
    if edit == "delete":
        return assertion[:index] + assertion[index + 1 :]
    return assertion[:index]


def _joserfc_accepts(assertion: str, alg: str) -> bool:
    from joserfc import jwt
    from joserfc.errors import JoseError
    from joserfc.jwk import OctKey

    if alg.startswith("HS"):
        key: Any = OctKey.import_key(SECRET.encode())
    else:
        key = ec_key("P-256") if alg == "ES256" else rsa_key()
    try:
        jwt.decode(assertion, key, algorithms=[alg])
    except (JoseError, ValueError):
        return False
    return True


@pytest.mark.parametrize("edit", EDITS)
@given(payload=valid_assertion_claims(), alg=ALGS, data=st.data())
def test_the_verifier_accepts_exactly_what_joserfc_jwt_decode_accepts(
    edit: str, payload: dict[str, Any], alg: str, data: st.DataObject
) -> None:
    """The verifier decodes the compact JWS itself (each segment once, joserfc's base64url)
    and verifies with joserfc's algorithm: for any tampering, it accepts exactly the
    assertions joserfc's own front door accepts (the claims being valid)."""
    forged = data.draw(tampered(_sign(payload, alg), edit))
    assert _accepts(forged) == _joserfc_accepts(forged, alg)
