"""RFC 9068 (JWT Profile for OAuth 2.0 Access Tokens): the header and claims, as pure rules.

Signing and verifying (joserfc, the ``jwt`` extra) live with the provider's keys in
:mod:`mock_provider.state.keys`.

Layering: pure; imports only the standard library.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["ALGORITHM", "TYP", "access_token_claims", "has_access_token_typ"]

ALGORITHM = "RS256"
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


def has_access_token_typ(header: Mapping[str, Any]) -> bool:
    """§4: the resource server "MUST verify that the typ header value is at+jwt or
    application/at+jwt" (media types compare case-insensitively)."""
    return str(header.get("typ", "")).lower() in _TYPES
