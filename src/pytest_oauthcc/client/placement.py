"""Where API requests carry the access token: a header with a prefix, or a query parameter.

RFC 6750 §2.1 (``Authorization: Bearer <token>``) is the default and what every standard
API takes. Real APIs also use another prefix (Zoho's ``Zoho-oauthtoken``, GitHub's
``token``), another header (``X-Auth-Token``, ``X-Access-Token`` with no prefix), or rarely
the query (RFC 6750 §2.3, which the RFC discourages: URLs end up in logs and histories).
The placement itself is :class:`mock_provider.protocol.TokenPlacement`, the one the mock's
resources take; this module puts a token there and reads it back from an httpx request.

Layering: imports httpx, :mod:`pytest_oauthcc.errors` and :mod:`mock_provider.protocol` only.
"""

from __future__ import annotations

import httpx

from mock_provider.protocol import TokenPlacement, token_placement
from pytest_oauthcc.errors import ClientConfigurationError

__all__ = ["attach", "carried", "check_placement"]


def check_placement(
    token_header: str, token_prefix: str, token_query: str | None
) -> TokenPlacement:
    """The placement :class:`~pytest_oauthcc.ClientCredentials` was given.

    Raises:
        ClientConfigurationError: a header name that is not an RFC 9110 field name, a
            prefix with control characters, an empty query name, or a query parameter
            together with a header or prefix.
    """
    try:
        return token_placement(token_header, token_prefix, token_query)
    except ValueError as exc:
        raise ClientConfigurationError(str(exc)) from None


def attach(placement: TokenPlacement, request: httpx.Request, token: str) -> None:
    """Put ``token`` on ``request`` (replacing one put there before)."""
    if placement.query is not None:
        request.url = request.url.copy_set_param(placement.query, token)
    else:
        assert placement.header is not None
        request.headers[placement.header] = f"{placement.prefix}{token}"


def carried(placement: TokenPlacement, request: httpx.Request) -> str | None:
    """The token ``request`` carries in ``placement``, or ``None`` (after a cross-origin
    redirect httpx strips ``Authorization``, so an answer to that request says nothing)."""
    if placement.query is not None:
        found: str | None = request.url.params.get(placement.query)
        return found
    assert placement.header is not None
    value: str | None = request.headers.get(placement.header)
    if value is None or not value.startswith(placement.prefix):
        return None
    return str(value[len(placement.prefix) :])
