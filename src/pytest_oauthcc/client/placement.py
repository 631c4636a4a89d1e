"""Where API requests carry the access token: a header with a prefix, or a query parameter.

RFC 6750 §2.1 (``Authorization: Bearer <token>``) is the default and what every standard
API takes. Real APIs also use another prefix (Zoho's ``Zoho-oauthtoken``, GitHub's
``token``), another header (``X-Auth-Token``, ``X-Access-Token`` with no prefix), or rarely
the query (RFC 6750 §2.3, which the RFC discourages: URLs end up in logs and histories).

Layering: imports httpx and :mod:`pytest_oauthcc.errors` only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import httpx

from pytest_oauthcc.errors import ClientConfigurationError

__all__ = ["BEARER", "TokenPlacement", "token_placement"]

# RFC 9110 §5.1: field-name = token; §5.6.2: tchar.
_FIELD_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
# A prefix is sent verbatim before the token: visible ASCII and spaces, never CR/LF.
_PREFIX = re.compile(r"[\x20-\x7e]*")


@dataclass(frozen=True)
class TokenPlacement:
    """A header (``header`` + ``prefix`` + token) or a query parameter (``query``)."""

    header: str | None = "Authorization"
    prefix: str = "Bearer "
    query: str | None = None

    def attach(self, request: httpx.Request, token: str) -> None:
        """Put ``token`` on ``request`` (replacing one put there before)."""
        if self.query is not None:
            request.url = request.url.copy_set_param(self.query, token)
        else:
            assert self.header is not None
            request.headers[self.header] = f"{self.prefix}{token}"

    def carried(self, request: httpx.Request) -> str | None:
        """The token ``request`` carries in this placement, or ``None``.

        After a cross-origin redirect httpx strips ``Authorization``, so a response to such
        a request says nothing about the token.
        """
        if self.query is not None:
            return request.url.params.get(self.query)
        assert self.header is not None
        value = request.headers.get(self.header)
        if value is None or not value.startswith(self.prefix):
            return None
        return value[len(self.prefix) :]

    def __str__(self) -> str:
        if self.query is not None:
            return f"?{self.query}=<token>"
        return f"{self.header}: {self.prefix}<token>"


BEARER = TokenPlacement()


def token_placement(
    token_header: str = "Authorization",
    token_prefix: str = "Bearer ",
    token_query: str | None = None,
) -> TokenPlacement:
    """Check the placement arguments of :class:`~pytest_oauthcc.ClientCredentials`.

    Raises:
        ClientConfigurationError: a header name that is not an RFC 9110 field name, a
            prefix with control characters, an empty query parameter name, or a query
            parameter together with a header or prefix.
    """
    if token_query is not None:
        if (token_header, token_prefix) != ("Authorization", "Bearer "):
            raise ClientConfigurationError(
                "token_query puts the token in the URL instead of a header; do not also "
                "pass token_header or token_prefix"
            )
        if not isinstance(token_query, str) or not token_query:
            raise ClientConfigurationError(
                f"token_query must be a query parameter name, got {token_query!r}"
            )
        return TokenPlacement(header=None, prefix="", query=token_query)
    if not isinstance(token_header, str) or not _FIELD_NAME.fullmatch(token_header):
        raise ClientConfigurationError(
            f"token_header must be an HTTP header name (RFC 9110 §5.1), got {token_header!r}"
        )
    if not isinstance(token_prefix, str) or not _PREFIX.fullmatch(token_prefix):
        raise ClientConfigurationError(
            "token_prefix must be printable ASCII (no CR, LF or other control characters), "
            f"got {token_prefix!r}"
        )
    if (token_header, token_prefix) == ("Authorization", "Bearer "):
        return BEARER
    return TokenPlacement(header=token_header, prefix=token_prefix)
