"""RFC 9068 (JWT Profile for OAuth 2.0 Access Tokens): the header and claims, as pure rules.

Signing and verifying (joserfc, the ``jwt`` extra) live with the provider's keys in
:mod:`mock_provider.state.keys`.

Layering: pure; imports only the standard library.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = [
    "ACCESS_TOKEN_ALGORITHMS",
    "ALGORITHM",
    "SIGNING_KEYS",
    "TYP",
    "access_token_alg_problem",
    "access_token_claims",
    "has_access_token_typ",
]

# §2.1: "Authorization servers and resource servers conforming to this specification MUST
# include RS256 (as defined in [RFC7518]) among their supported signature algorithms": the
# default, and always one of the choices.
ALGORITHM = "RS256"
# §2.1: JWT access tokens "MUST be signed", "MUST NOT use none", and "use of asymmetric
# cryptography is RECOMMENDED": the asymmetric JWS algorithms of RFC 7518 §3.1 and RFC 8037
# §3.1, each with the key generated for it: RSA of 2048 bits for RS*/PS* (RFC 7518 §3.3:
# "2048 bits or larger MUST be used"), the curve of each ES* (§3.4), Ed25519 for EdDSA.
SIGNING_KEYS: Mapping[str, tuple[str, str | int]] = {
    **{f"RS{n}": ("RSA", 2048) for n in (256, 384, 512)},
    **{f"PS{n}": ("RSA", 2048) for n in (256, 384, 512)},
    "ES256": ("EC", "P-256"),
    "ES384": ("EC", "P-384"),
    "ES512": ("EC", "P-521"),
    "EdDSA": ("OKP", "Ed25519"),
}
ACCESS_TOKEN_ALGORITHMS = tuple(SIGNING_KEYS)
# §2.1: "Resource servers MUST verify that the typ header value is 'at+jwt' or
# 'application/at+jwt'"; we emit the short form the RFC recommends.
TYP = "at+jwt"
_TYPES = frozenset({"at+jwt", "application/at+jwt"})


def access_token_claims(
    *,
    issuer: str,
    client_id: str,
    audience: tuple[str, ...],
    issued_at: int,
    lifetime: int,
    jti: str,
    scopes: tuple[str, ...],
) -> dict[str, Any]:
    """The claims of an access token issued by a client credentials grant."""
    # §2.2: iss, exp, aud, sub, client_id, iat, jti are REQUIRED; for a client credentials
    # grant "sub SHOULD correspond to an identifier the authorization server uses to
    # indicate the client application".
    claims: dict[str, Any] = {
        "iss": issuer,
        "sub": client_id,
        "aud": audience[0] if len(audience) == 1 else list(audience),
        "exp": issued_at + lifetime,
        "iat": issued_at,
        "jti": jti,
        "client_id": client_id,
    }
    if scopes:
        claims["scope"] = " ".join(scopes)  # §2.2.3
    return claims


def access_token_alg_problem(alg: object) -> str | None:
    """What is wrong with ``alg`` as a provider's ``access_token_alg``, or ``None``.

    The one message every surface (Python, marker, scenario, command line) shows.
    """
    if isinstance(alg, str) and alg in SIGNING_KEYS:
        return None
    return f"access_token_alg must be one of {', '.join(ACCESS_TOKEN_ALGORITHMS)}, got {alg!r}"


def has_access_token_typ(header: Mapping[str, Any]) -> bool:
    """§4: the resource server "MUST verify that the typ header value is at+jwt or
    application/at+jwt" (media types compare case-insensitively)."""
    return str(header.get("typ", "")).lower() in _TYPES
