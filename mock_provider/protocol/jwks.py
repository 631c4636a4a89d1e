"""A client's registered JWK Set (RFC 7517): validation, certificate thumbprints, key choice.

Layering: pure; imports the standard library, ``joserfc`` and ``cryptography`` (the ``jwt``
extra) only, lazily, so that importing the protocol package stays cheap.

Rule 1: a registered set holds public signing keys only (RFC 7517 §5, §9.2): a private member
is refused by name, never by value. Rule 2: the key for an assertion is chosen by ``kid``,
then by certificate thumbprint, then by the ``x5c`` leaf, then "the client's only key"
(:func:`select_key`). Nothing here echoes key material in a message.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from operator import attrgetter
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from joserfc.jwk import ECKey, OKPKey, RSAKey

    AsymmetricKey = RSAKey | ECKey | OKPKey

__all__ = [
    "ASYMMETRIC_ALGORITHMS",
    "PRIVATE_MEMBERS",
    "JWKSError",
    "KeyChoiceError",
    "PublicKey",
    "cert_der",
    "jwks_problems",
    "load_public_keys",
    "select_key",
    "x5t",
    "x5t_s256",
]

Problem = tuple[str, str]

# RFC 7518 §3.1 / RFC 8037 §3.1: the asymmetric "alg" values a private_key_jwt may use, with
# the key type (and curve) each one needs.
ASYMMETRIC_ALGORITHMS: Mapping[str, tuple[str, frozenset[str]]] = {
    **{f"RS{n}": ("RSA", frozenset()) for n in (256, 384, 512)},
    **{f"PS{n}": ("RSA", frozenset()) for n in (256, 384, 512)},
    "ES256": ("EC", frozenset({"P-256"})),
    "ES384": ("EC", frozenset({"P-384"})),
    "ES512": ("EC", frozenset({"P-521"})),
    "EdDSA": ("OKP", frozenset({"Ed25519", "Ed448"})),
}
# RFC 7518 §6.2.2, §6.3.2, §6.4 and RFC 8037 §2: the members that make a JWK private.
PRIVATE_MEMBERS = ("d", "p", "q", "dp", "dq", "qi", "oth", "k")
_CURVES = {"EC": frozenset({"P-256", "P-384", "P-521"}), "OKP": frozenset({"Ed25519", "Ed448"})}
# RFC 7518 §3.3: "A key of size 2048 bits or larger MUST be used with these algorithms."
_MIN_RSA_BITS = 2048


class JWKSError(ValueError):
    """A JWK Set that cannot be registered; ``problems`` lists ``(field, message)`` pairs."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        lines = "\n".join(f"  {field}: {message}" for field, message in self.problems)
        super().__init__(f"the JWK Set cannot be registered:\n{lines}")


@dataclass(frozen=True, eq=False)
class PublicKey:
    """One registered public key, with what key choice compares already computed.

    ``x5t`` / ``x5t_s256`` are the thumbprints of the JWK's first ``x5c`` certificate
    (RFC 7517 §4.7-4.9), ``spki`` the DER SubjectPublicKeyInfo the ``x5c`` header leaf is
    compared with. The repr names the key, never its material.
    """

    key: AsymmetricKey
    kty: str
    crv: str | None
    kid: str | None
    alg: str | None
    x5t: str | None
    x5t_s256: str | None
    spki: bytes
    _allowed: set[str] = field(default_factory=set, init=False, repr=False, compare=False)

    def check_allows(self, alg: str, model: Any) -> None:
        """RFC 7517 §4.2-4.4: the key's ``use``, ``key_ops`` and ``alg`` must allow ``alg``
        signatures. joserfc's algorithm ``model`` checks at the first ``alg`` signature
        only: neither a registered key nor the algorithm changes after.

        Raises:
            joserfc.errors.JoseError: when the key does not allow ``alg``.
        """
        if alg not in self._allowed:
            model.check_key(self.key)
            self._allowed.add(alg)

    @functools.cached_property
    def verify_key(self) -> Any:
        """The ``cryptography`` public key that verifies, resolved once by joserfc's
        ``get_op_key("verify")`` (RFC 7517 §4.3: ``key_ops`` must allow it), for
        :mod:`.jws`'s direct signature checks.

        Raises:
            joserfc.errors.JoseError: when the key's ``key_ops`` do not allow ``verify``.
        """
        return self.key.get_op_key("verify")

    def __repr__(self) -> str:
        return f"PublicKey(kty={self.kty!r}, kid={self.kid!r})"


def x5t(der: bytes) -> str:
    """RFC 7515 §4.1.7: the base64url SHA-1 thumbprint of a DER certificate."""
    digest = hashlib.sha1(der, usedforsecurity=False).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def x5t_s256(der: bytes) -> str:
    """RFC 7515 §4.1.8: the base64url SHA-256 thumbprint of a DER certificate."""
    return base64.urlsafe_b64encode(hashlib.sha256(der).digest()).rstrip(b"=").decode()


def cert_der(entry: object) -> bytes:
    """Decode one ``x5c`` entry: RFC 7517 §4.7 says standard base64 (not base64url) DER.

    Raises:
        ValueError: for a non-string or undecodable entry (the entry is not echoed).
    """
    if not isinstance(entry, str):
        raise ValueError("an x5c entry must be a base64 string")
    try:
        return base64.b64decode("".join(entry.split()), validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("an x5c entry is not valid base64 (RFC 7517 section 4.7)") from None


def _spki_of_cert(der: bytes) -> bytes:
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    cert = x509.load_der_x509_certificate(der)
    return cert.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)


def _key_problems(where: str, jwk: Mapping[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    private = [member for member in PRIVATE_MEMBERS if member in jwk]
    if private:
        names = ", ".join(repr(m) for m in private)
        problems.append(
            (
                where,
                f"has private key member(s) {names}: register the public key only, never the "
                "private key (RFC 7517 section 9.2)",
            )
        )
    kty = jwk.get("kty")
    if kty not in ("RSA", "EC", "OKP"):
        problems.append((f"{where}.kty", "must be 'RSA', 'EC' or 'OKP' (a public signing key)"))
        return problems
    crv = jwk.get("crv")
    if kty in _CURVES and crv not in _CURVES[kty]:
        allowed = ", ".join(sorted(_CURVES[kty]))
        problems.append((f"{where}.crv", f"must be one of {allowed} for a {kty} signing key"))
    if "use" in jwk and jwk["use"] != "sig":
        # RFC 7517 §4.2: "sig" is the use of a key that verifies signatures.
        problems.append((f"{where}.use", "must be 'sig' for a client authentication key"))
    ops = jwk.get("key_ops")
    if ops is not None and (not isinstance(ops, list) or "verify" not in ops):
        problems.append((f"{where}.key_ops", "must include 'verify' (RFC 7517 section 4.3)"))
    alg = jwk.get("alg")
    if alg is not None and ASYMMETRIC_ALGORITHMS.get(alg, ("",))[0] != kty:
        problems.append((f"{where}.alg", f"is not an asymmetric signing algorithm for {kty}"))
    kid = jwk.get("kid")
    if kid is not None and not isinstance(kid, str):
        problems.append((f"{where}.kid", "must be a string (RFC 7517 section 4.5)"))
    return problems


def _modulus_bits(jwk: Mapping[str, Any]) -> int:
    # Measured before import: joserfc warns (SecurityWarning) on a short key it imports.
    modulus = jwk.get("n")
    if not isinstance(modulus, str):
        return 0
    try:
        raw = base64.urlsafe_b64decode(modulus + "=" * (-len(modulus) % 4))
    except (binascii.Error, ValueError):
        return 0
    return int.from_bytes(raw, "big").bit_length()


def _load_key(where: str, jwk: Mapping[str, Any]) -> tuple[PublicKey | None, list[Problem]]:
    from joserfc.errors import JoseError
    from joserfc.jwk import OctKey, import_key

    invalid = [(where, f"is not a valid {jwk['kty']} public key")]
    if jwk["kty"] == "RSA" and 0 < _modulus_bits(jwk) < _MIN_RSA_BITS:
        return None, [(where, f"RSA keys must have at least {_MIN_RSA_BITS} bits (RFC 7518 §3.3)")]
    try:
        key = import_key(dict(jwk))
        if isinstance(key, OctKey):  # kty was checked: never a symmetric key here
            return None, invalid
        spki = key.as_der(private=False)
    except (JoseError, ValueError, TypeError, KeyError):
        return None, invalid
    problems: list[Problem] = []
    thumbprints: dict[str, str | None] = {"x5t": None, "x5t#S256": None}
    chain = jwk.get("x5c")
    if chain is not None:
        if not isinstance(chain, list) or not chain:
            return None, [(f"{where}.x5c", "must be a non-empty array of certificates")]
        try:
            leaf = cert_der(chain[0])
        except ValueError as error:
            return None, [(f"{where}.x5c[0]", str(error))]
        try:
            leaf_spki = _spki_of_cert(leaf)
        except ValueError:
            return None, [(f"{where}.x5c[0]", "is not a DER X.509 certificate")]
        # RFC 7517 §4.7: "The key in the first certificate MUST match the public key
        # represented by other members of the JWK."
        if leaf_spki != spki:
            problems.append((f"{where}.x5c[0]", "certifies another key than this JWK's"))
        thumbprints = {"x5t": x5t(leaf), "x5t#S256": x5t_s256(leaf)}
    for member, computed in thumbprints.items():
        given = jwk.get(member)
        # RFC 7517 §4.8-4.9: x5t / x5t#S256 are the thumbprints of that same certificate.
        if given is not None and computed is not None and str(given).rstrip("=") != computed:
            problems.append((f"{where}.{member}", "is not the thumbprint of x5c[0]"))
        if computed is None and isinstance(given, str):
            thumbprints[member] = given.rstrip("=")
    loaded = PublicKey(
        key=key,
        kty=jwk["kty"],
        crv=jwk.get("crv"),
        kid=jwk.get("kid"),
        alg=jwk.get("alg"),
        x5t=thumbprints["x5t"],
        x5t_s256=thumbprints["x5t#S256"],
        spki=spki,
    )
    return loaded, problems


def _load(jwks: object) -> tuple[list[PublicKey], list[Problem]]:
    # RFC 7517 §5: a JWK Set is a JSON object whose "keys" member is an array of JWKs.
    if not isinstance(jwks, Mapping):
        return [], [("jwks", "must be a JWK Set: an object with a 'keys' array (RFC 7517 §5)")]
    keys = jwks.get("keys")
    if not isinstance(keys, list) or not keys:
        return [], [("jwks.keys", "must be a non-empty array of public JWKs (RFC 7517 §5)")]
    loaded: list[PublicKey] = []
    problems: list[Problem] = []
    kids: set[str] = set()
    for index, jwk in enumerate(keys):
        where = f"jwks.keys[{index}]"
        if not isinstance(jwk, Mapping):
            problems.append((where, "must be a JWK object"))
            continue
        found = _key_problems(where, jwk)
        problems.extend(found)
        if found:
            continue
        key, found = _load_key(where, jwk)
        problems.extend(found)
        if key is None:
            continue
        # RFC 7517 §4.5: keys of one set "SHOULD use distinct kid values"; a duplicate
        # would make the choice by kid ambiguous, so it is refused.
        if key.kid is not None and key.kid in kids:
            problems.append((f"{where}.kid", "is used by an earlier key of this set"))
        kids.update([key.kid] if key.kid is not None else [])
        loaded.append(key)
    return loaded, problems


def jwks_problems(jwks: object) -> list[Problem]:
    """What is wrong with ``jwks`` as a client's registered key set, as ``(field, message)``.

    An empty list means :func:`load_public_keys` accepts it. Messages name the member and
    the rule, never a value.
    """
    return _load(jwks)[1]


def load_public_keys(jwks: object) -> tuple[PublicKey, ...]:
    """Import a registered JWK Set once, for every later assertion of the client.

    Raises:
        JWKSError: with every problem :func:`jwks_problems` reports.
    """
    loaded, problems = _load(jwks)
    if problems:
        raise JWKSError(problems)
    return tuple(loaded)


class KeyChoiceError(ValueError):
    """No registered key fits the assertion's header; ``rule`` names the header member."""

    def __init__(self, rule: str, description: str) -> None:
        super().__init__(description)
        self.rule = rule
        self.description = description


def _fits(key: PublicKey, alg: str) -> bool:
    kty, curves = ASYMMETRIC_ALGORITHMS[alg]
    return key.kty == kty and (not curves or key.crv in curves)


@functools.lru_cache(maxsize=256)
def _usable_in(keys: tuple[PublicKey, ...], alg: str) -> tuple[PublicKey, ...]:
    # A registered set's keys of alg's type, once per set and alg rather than per assertion.
    # A set is a tuple of keys that compare by identity: re-registering a client or fetching
    # a rotated jwks_uri makes new keys, so a changed set is never answered from here.
    return tuple(key for key in keys if _fits(key, alg))


def _x5c_leaf_spki(header: Mapping[str, Any]) -> bytes:
    chain = header["x5c"]
    if not isinstance(chain, list) or not chain:
        raise KeyChoiceError("x5c", "the x5c header must be a non-empty array (RFC 7515 §4.1.6)")
    try:
        return _spki_of_cert(cert_der(chain[0]))
    except ValueError:
        raise KeyChoiceError("x5c", "the x5c header's first certificate is not DER") from None


# The header members that name a key, in the order they are tried, with the section that
# defines each and the registered key's attribute it is compared with.
_HINTS: tuple[tuple[str, str, Callable[[PublicKey], str | None]], ...] = (
    ("kid", "RFC 7515 §4.1.4", attrgetter("kid")),
    ("x5t#S256", "RFC 7515 §4.1.8", attrgetter("x5t_s256")),
    ("x5t", "RFC 7515 §4.1.7", attrgetter("x5t")),
)
_HINT_MEMBERS = frozenset({*(member for member, _, _ in _HINTS), "x5c"})


def select_key(header: Mapping[str, Any], keys: Iterable[PublicKey], alg: str) -> PublicKey:
    """Choose the registered key that verifies an assertion signed with ``alg``.

    Rule table, first hint present wins: ``kid`` (among keys with a kid), ``x5t#S256`` and
    ``x5t`` (among keys with a certificate), the ``x5c`` header's leaf (by public key), then
    the client's only key. A hint that names no registered key is refused, not skipped.

    Raises:
        KeyChoiceError: when no registered key fits; ``rule`` names the header member.
    """
    usable = (
        _usable_in(keys, alg)
        if isinstance(keys, tuple)
        else tuple(key for key in keys if _fits(key, alg))
    )
    if not usable:
        raise KeyChoiceError("alg", f"no registered key of this client can verify {alg}")
    if len(usable) == 1 and header.keys().isdisjoint(_HINT_MEMBERS):
        return usable[0]  # no hint to check: the rules below end at "the client's only key"
    for member, section, attribute in _HINTS:
        if member not in header:
            continue
        comparable = [key for key in usable if attribute(key) is not None]
        if not comparable:
            continue
        wanted = header[member]
        if member != "kid" and isinstance(wanted, str):
            # RFC 7515 §2 base64url has no padding, but MSAL pads its thumbprints
            # (msal/oauth2cli/assertion.py: urlsafe_b64encode) and Entra ID accepts them.
            wanted = wanted.rstrip("=")
        for key in comparable:
            if attribute(key) == wanted:
                return key
        raise KeyChoiceError(member, f"no registered key matches the {member} header ({section})")
    if "x5c" in header:
        leaf = _x5c_leaf_spki(header)
        for key in usable:
            if key.spki == leaf:
                return key
        raise KeyChoiceError(
            "x5c", "the x5c header's certificate holds no registered key (RFC 7515 §4.1.6)"
        )
    if len(usable) == 1:
        return usable[0]
    raise KeyChoiceError(
        "kid",
        f"the client has {len(usable)} keys for {alg}; name one with kid, x5t#S256, x5t or x5c",
    )
