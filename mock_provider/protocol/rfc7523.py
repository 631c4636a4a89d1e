"""RFC 7523 §2.2 and §3, OpenID Connect Core 1.0 §9: JWT client assertions.

Layering: pure; imports the standard library, :mod:`.jwks`, :mod:`.jws` and ``joserfc``
(the ``jwt`` extra, imported lazily). The caller owns the clock, the client registry and the
replay store; a refusal is an :class:`AssertionRejected` that the token, revocation and
introspection endpoints render as ``invalid_client``.

Rule order: the assertion's form and header, then the method and key its ``alg`` implies,
then the signature, then the claims, and only then the ``jti`` is spent - so a forged
assertion cannot burn an honest client's ``jti``. No description echoes the assertion, a
claim value, a signature, a secret or a key.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol

from .jwks import ASYMMETRIC_ALGORITHMS, KeyChoiceError, PublicKey, select_key
from .jws import b64decode, decode_compact, signature_algorithms

__all__ = [
    "CLIENT_ASSERTION_METHODS",
    "CLIENT_SECRET_JWT",
    "CLOCK_SKEW",
    "HMAC_ALGORITHMS",
    "JWT_BEARER",
    "MAX_LIFETIME",
    "PRIVATE_KEY_JWT",
    "SIGNING_ALGORITHMS",
    "AssertionRejected",
    "ClaimedAssertion",
    "ReplayStore",
    "VerifiedAssertion",
    "claim_assertion",
    "claimed_client_id",
    "hmac_key",
    "verify_client_assertion",
]

# RFC 7523 §2.2: "The value of the "client_assertion_type" is
# "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"."
JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
CLIENT_SECRET_JWT = "client_secret_jwt"
PRIVATE_KEY_JWT = "private_key_jwt"
CLIENT_ASSERTION_METHODS = (CLIENT_SECRET_JWT, PRIVATE_KEY_JWT)
# RFC 7518 §3.2: "A key of the same size as the hash output (for instance, 256 bits for
# "HS256") or larger MUST be used with this algorithm." Bytes of client secret per alg.
HMAC_ALGORITHMS: Mapping[str, int] = {"HS256": 32, "HS384": 48, "HS512": 64}
_ALGORITHMS = frozenset(HMAC_ALGORITHMS) | frozenset(ASYMMETRIC_ALGORITHMS)
# OpenID Connect Core §9: client_secret_jwt is HMAC with the secret, private_key_jwt a
# public-key signature. For the "..._auth_signing_alg_values_supported" metadata members.
SIGNING_ALGORITHMS: Mapping[str, tuple[str, ...]] = {
    CLIENT_SECRET_JWT: tuple(HMAC_ALGORITHMS),
    PRIVATE_KEY_JWT: tuple(ASYMMETRIC_ALGORITHMS),
}
# RFC 7523 §3 item 4: a server "may reject JWTs with an "exp" claim value that is unreasonably
# far in the future". Real limits: Auth0 300 s, Microsoft Entra ID 600 s, Okta 3600 s ("a
# maximum of only an hour in the future"). The unmodified clients in scope send 300 s (MCP
# SDK), 600 s (MSAL) and 3600 s (Authlib's rfc7523 signers), so the default is Okta's bound,
# the strictest that all of them meet; pass max_lifetime=300 for Auth0's rule.
MAX_LIFETIME = 3600.0
# RFC 7523 §3 item 4: "subject to allowable clock skew between systems". Auth0 allows 10 s;
# a provider's manual clock stands still while a third-party client reads the wall clock, so
# 60 s keeps a minute-long test honest without accepting stale assertions.
CLOCK_SKEW = 60.0
# RFC 7515 §4.1.9 / RFC 8725 §3.11: explicit typing; "JWT" and the RFC 7523bis draft's
# "client-authentication+jwt" are a client assertion, any other typ is another kind of JWT.
_TYPES = frozenset({"jwt", "client-authentication+jwt"})


class AssertionRejected(Exception):
    """A client assertion was refused; the endpoint answers ``invalid_client``.

    Attributes:
        rule: the claim, header member or rule that failed, e.g. ``"exp"``, ``"alg"``.
        description: says what was wrong and which section requires it; never a value.
    """

    def __init__(self, rule: str, description: str) -> None:
        super().__init__(description)
        self.rule = rule
        self.description = description

    def __repr__(self) -> str:
        return f"AssertionRejected(rule={self.rule!r}, description={self.description!r})"


class ReplayStore(Protocol):
    """Remembers spent ``jti`` values per client."""

    def seen(self, client_id: str, jti: str, expires: float) -> bool:
        """Record ``jti`` for ``client_id`` until ``expires``; True if it was recorded before."""
        ...


@dataclass(frozen=True)
class VerifiedAssertion:
    """An accepted assertion: who it authenticates, with which method and algorithm."""

    client_id: str
    jti: str
    exp: float
    method: str
    alg: str


def _reject(rule: str, description: str) -> AssertionRejected:
    return AssertionRejected(rule, f"client assertion: {description}")


class _Jose(NamedTuple):
    JoseError: type[Exception]
    OctKey: Any
    algorithms: Mapping[str, Any]


@functools.cache
def _jose() -> _Jose:
    # joserfc is imported at the first assertion (importing the protocol package stays
    # cheap), and once: an import statement per rule would cost every request ~2.5 µs.
    from joserfc import jws
    from joserfc.errors import JoseError
    from joserfc.jwk import OctKey

    return _Jose(JoseError, OctKey, jws.JWSRegistry.algorithms)


def hmac_key(secret: str) -> Any:
    """The client secret as joserfc's HMAC key: OpenID Connect Core §9 keys client_secret_jwt
    with "the octets of the UTF-8 representation of the client_secret"."""
    return _jose().OctKey.import_key(secret.encode())


def _parse(assertion: object, assertion_type: object) -> tuple[tuple[bytes, bytes], Any, Any]:
    # RFC 7523 §2.2: the client_assertion_type value is the jwt-bearer URN.
    if assertion_type != JWT_BEARER:
        raise _reject("client_assertion_type", f"client_assertion_type must be {JWT_BEARER}")
    # RFC 7523 §2.2: "The value of the "client_assertion" parameter contains a single JWT";
    # §3 item 8: it "MUST be digitally signed or have a MAC applied": a JWS, never a JWE.
    if not isinstance(assertion, str) or assertion.count(".") != 2:
        raise _reject("format", "must be a JWT in JWS compact serialization (RFC 7523 §2.2)")
    try:
        signing_input, signature, header, claims = decode_compact(assertion)
    except ValueError:  # UnicodeError and binascii.Error included
        raise _reject("format", "is not a decodable JWS compact serialization") from None
    if not isinstance(claims, dict):
        raise _reject("format", "the JWT claims must be a JSON object (RFC 7519 §7.2)")
    return (signing_input, signature), header, claims


def _check_identity(claims: Mapping[str, Any], client_id: str | None) -> str:
    iss, sub = claims.get("iss"), claims.get("sub")
    # RFC 7523 §3 item 1, OpenID Connect Core §9: "iss REQUIRED. ... MUST contain the client_id".
    if not isinstance(iss, str) or not iss:
        raise _reject("iss", "iss is required and must be the client_id (RFC 7523 §3)")
    # RFC 7523 §3 item 2: "For client authentication, the subject MUST be the client_id".
    if not isinstance(sub, str) or not sub:
        raise _reject("sub", "sub is required and must be the client_id (RFC 7523 §3)")
    # OpenID Connect Core §9: iss and sub both "MUST contain the client_id".
    if iss != sub:
        raise _reject("sub", "iss and sub must both be the client_id (OpenID Connect Core §9)")
    # RFC 7521 §4.2: a client_id parameter, if present, "MUST identify the same client as is
    # identified by the client assertion".
    if client_id is not None and client_id != iss:
        raise _reject("client_id", "the client_id parameter differs from iss (RFC 7521 §4.2)")
    return iss


_UNCHECKED = object()  # a ClaimedAssertion made by hand: its identity rules run at verification


@dataclass(frozen=True)
class ClaimedAssertion:
    """An assertion decoded once, whose identity rules passed; nothing else is verified."""

    client_id: str
    header: Mapping[str, Any] = field(repr=False)
    claims: Mapping[str, Any] = field(repr=False)
    # What the signature covers (RFC 7515 §5.2 step 8: the header and payload segments,
    # dot-joined) and the signature segment, still base64url.
    signed: tuple[bytes, bytes] = field(repr=False)
    # The client_id parameter the identity rules passed with (set by claim_assertion): a
    # verification with the same parameter does not run them again on the same claims.
    checked_with: object = field(default=_UNCHECKED, repr=False, compare=False)


def claim_assertion(assertion: object, kind: object, client_id: str | None) -> ClaimedAssertion:
    """Decode an assertion, for whom it claims to be (its keys) and for its verification.

    Raises:
        AssertionRejected: a wrong type, a malformed JWT, iss/sub/client_id disagreeing.
    """
    signed, header, claims = _parse(assertion, kind)
    return ClaimedAssertion(_check_identity(claims, client_id), header, claims, signed, client_id)


def claimed_client_id(assertion: object, assertion_type: object, client_id: str | None) -> str:
    """The client an assertion claims to be (:func:`claim_assertion`): nothing is verified."""
    return claim_assertion(assertion, assertion_type, client_id).client_id


def _check_header(header: Mapping[str, Any]) -> str:
    alg = header.get("alg")
    # RFC 7523 §3 item 8: the JWT "MUST be digitally signed or have a MAC applied"; RFC 8725
    # §3.1: "none" is refused.
    if alg == "none":
        raise _reject("alg", "alg none is refused: the JWT must be signed (RFC 7523 §3)")
    if not isinstance(alg, str) or alg not in _ALGORITHMS:
        raise _reject("alg", "alg is not an algorithm of client_secret_jwt or private_key_jwt")
    # RFC 7515 §4.1.11: an extension named in crit that is not understood makes the JWS
    # invalid; this server understands none.
    if "crit" in header:
        raise _reject("crit", "crit names extensions this server does not support (RFC 7515)")
    # RFC 7519 §5.2: cty "JWT" marks a nested JWT; a client assertion is a single JWT.
    if str(header.get("cty", "")).lower() in ("jwt", "application/jwt"):
        raise _reject("cty", "a nested JWT is refused: send a single signed JWT (RFC 7523)")
    typ = header.get("typ")
    if typ is not None and str(typ).lower().removeprefix("application/") not in _TYPES:
        raise _reject("typ", "typ marks another kind of JWT than a client assertion (RFC 8725)")
    return alg


def _verification_key(
    alg: str,
    header: Mapping[str, Any],
    secret: str | None,
    keys: Collection[PublicKey],
    auth_methods: Collection[str],
    secret_key: Any,
) -> tuple[str, Any]:
    method = CLIENT_SECRET_JWT if alg in HMAC_ALGORITHMS else PRIVATE_KEY_JWT
    if method not in auth_methods:
        raise _reject("method", f"{method} is not an auth method of this client")
    if method == PRIVATE_KEY_JWT:
        if not keys:
            raise _reject("key", "the client has no registered public key for private_key_jwt")
        try:
            return method, select_key(header, keys, alg)
        except KeyChoiceError as error:
            raise _reject(error.rule, error.description) from None
    # RFC 8725 §2.1 / §3.1: an HMAC alg must never be keyed with a public key (the
    # algorithm-confusion attack); only the client secret is an HMAC key.
    if secret is None:
        raise _reject("alg", "an HMAC alg needs a client secret; this client has public keys")
    # RFC 7518 §3.2: the key must be at least as long as the hash output.
    if len(secret.encode()) < HMAC_ALGORITHMS[alg]:
        needed = HMAC_ALGORITHMS[alg]
        raise _reject("alg", f"{alg} needs a client secret of at least {needed} bytes (RFC 7518)")
    return method, secret_key if secret_key is not None else hmac_key(secret)


def _check_signature(signed: tuple[bytes, bytes], alg: str, key: Any) -> None:
    jose = _jose()
    model = jose.algorithms[alg]
    try:
        # RFC 7517 §4.2-4.4: the key's use, key_ops and alg must allow this signature (a
        # registered key: once per alg; then .jws verifies, its docstring says why).
        if isinstance(key, PublicKey):
            key.check_allows(alg, model)
            model, key = signature_algorithms()[alg], key.verify_key
        else:
            model.check_key(key)
        signature = b64decode(signed[1])
    except (jose.JoseError, ValueError):
        raise _reject("signature", f"the registered key does not allow {alg}") from None
    # RFC 7523 §3 item 9 / RFC 7515 §5.2: the signature must verify with the client's key.
    if not model.verify(signed[0], signature, key):
        raise _reject("signature", "the signature does not verify with the client's key")


def _numeric_date(claims: Mapping[str, Any], name: str) -> float | None:
    value = claims.get(name)
    if value is None:
        return None
    if type(value) is int and -_LARGEST < value < _LARGEST:  # what clients send (never a bool)
        return float(value)
    # RFC 7519 §2: a NumericDate is a JSON number (integer or not) of seconds.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _reject(name, f"{name} must be a NumericDate (RFC 7519 §2)")
    if isinstance(value, int) and abs(value) >= _LARGEST:  # 10**400: no float holds it
        raise _reject(name, f"{name} is out of range for a NumericDate (RFC 7519 §2)")
    if not math.isfinite(value):
        raise _reject(name, f"{name} must be a NumericDate (RFC 7519 §2)")
    return float(value)


# Past this many seconds (about 3e11 years) a NumericDate is no date; every integer below it
# converts to a float exactly enough for the rules, and no integer above it fits one anyway.
_LARGEST = 10**19


def _check_claims(
    claims: Mapping[str, Any],
    audiences: Collection[str],
    now: float,
    max_lifetime: float,
    skew: float,
) -> tuple[str, float]:
    aud = claims.get("aud")
    listed = isinstance(aud, list) and any(isinstance(v, str) and v in audiences for v in aud)
    # RFC 7523 §3 item 3: "The authorization server MUST reject any JWT that does not
    # contain its own identity as the intended audience" (token endpoint URL or issuer).
    if not (aud in audiences if isinstance(aud, str) else listed):
        raise _reject("aud", "aud must hold the token endpoint URL or the issuer (RFC 7523 §3)")
    exp = _numeric_date(claims, "exp")
    # RFC 7523 §3 item 4: "The JWT MUST contain an "exp" (expiration time) claim".
    if exp is None:
        raise _reject("exp", "exp is required (RFC 7523 §3)")
    # RFC 7523 §3 item 4: reject "any JWT with an expiration time that has passed, subject
    # to allowable clock skew"; RFC 7519 §4.1.4: "on or after which" it is not accepted.
    if now >= exp + skew:
        raise _reject("exp", "exp has passed (RFC 7523 §3)")
    iat, nbf = _numeric_date(claims, "iat"), _numeric_date(claims, "nbf")
    # RFC 7523 §3 item 5: before nbf the JWT "MUST NOT be accepted for processing".
    if nbf is not None and nbf > now + skew:
        raise _reject("nbf", "nbf is in the future (RFC 7523 §3)")
    # RFC 7523 §3 item 6 / RFC 7519 §4.1.6: iat is when the JWT was issued, not later.
    if iat is not None and iat > now + skew:
        raise _reject("iat", "iat is in the future (RFC 7523 §3)")
    # RFC 7523 §3 item 4: "may reject JWTs with an exp claim value that is unreasonably far
    # in the future"; measured from iat when sent, else from now.
    if exp - (now if iat is None else iat) > max_lifetime:
        limit = f"{max_lifetime:g}"
        raise _reject("exp", f"the assertion lives longer than {limit} s (RFC 7523 §3)")
    jti = claims.get("jti")
    # OpenID Connect Core §9: "jti REQUIRED. JWT ID. A unique identifier for the token".
    if not isinstance(jti, str) or not jti:
        raise _reject("jti", "jti is required (OpenID Connect Core §9)")
    return jti, exp


def verify_client_assertion(
    assertion: object,
    assertion_type: object,
    *,
    client_id: str | None,
    secret: str | None,
    keys: Collection[PublicKey],
    auth_methods: Collection[str],
    audiences: Collection[str],
    now: float,
    replay: ReplayStore,
    max_lifetime: float = MAX_LIFETIME,
    skew: float = CLOCK_SKEW,
    secret_key: Any = None,
) -> VerifiedAssertion:
    """Verify a client assertion (RFC 7523 §2.2, §3; OpenID Connect Core §9) and spend its jti.

    Args:
        assertion: the ``client_assertion`` parameter, or its :class:`ClaimedAssertion`.
        assertion_type: the ``client_assertion_type`` parameter.
        client_id: the ``client_id`` parameter, if the request sent one.
        secret: the registered client's secret (the client_secret_jwt HMAC key), if any.
        keys: the client's registered public keys (:func:`.jwks.load_public_keys`).
        auth_methods: the client's allowed RFC 8414 auth method names.
        audiences: accepted ``aud`` values: the token endpoint URL and the issuer.
        now: the provider clock's time, in seconds since the epoch.
        replay: where spent jti values are kept (a provider holds a
            :class:`~mock_provider.state.jti.JtiStore`).
        max_lifetime: the longest ``exp - iat`` accepted (:data:`MAX_LIFETIME`).
        skew: the clock skew allowed on ``exp``, ``nbf`` and ``iat`` (:data:`CLOCK_SKEW`).
        secret_key: ``secret`` as :func:`hmac_key` imported it, when the caller keeps one
            (a provider does, per client); imported here otherwise.

    Raises:
        AssertionRejected: naming the failed rule; the endpoint answers ``invalid_client``.
    """
    if isinstance(assertion, ClaimedAssertion):
        signed, header, claims = assertion.signed, assertion.header, assertion.claims
        checked = assertion.checked_with == client_id  # claim_assertion ran the rules
        identity = assertion.client_id if checked else _check_identity(claims, client_id)
    else:
        signed, header, claims = _parse(assertion, assertion_type)
        identity = _check_identity(claims, client_id)
    alg = _check_header(header)
    method, key = _verification_key(alg, header, secret, keys, auth_methods, secret_key)
    _check_signature(signed, alg, key)
    jti, exp = _check_claims(claims, audiences, now, max_lifetime, skew)
    # OpenID Connect Core §9: "These tokens MUST only be used once"; RFC 7523 §3 item 7:
    # kept "for the length of time for which the JWT would be considered valid".
    if replay.seen(identity, jti, exp + skew):
        raise _reject("jti", "this jti was already used: an assertion is single-use (OIDC §9)")
    return VerifiedAssertion(identity, jti, exp, method, alg)
