"""How long to use a token: expiry anchored at send time, early renewal, sticky tokens.

Times are on the client's monotonic clock. The expiry is anchored at the moment the token
request was *sent*: the provider started the lifetime no earlier, so the client can never
believe a token alive after the provider thinks it dead.

Layering: part of the reference client: imports httpx, :mod:`pytest_oauthcc.errors`,
:mod:`mock_provider.protocol` and the client's lower modules only; never pytest, the plugin or
the connection format.
"""

from __future__ import annotations

import logging

from mock_provider.protocol import fingerprint
from pytest_oauthcc.errors import InvalidTokenResponseError

from .single_flight import CachedToken
from .token import TokenResponse

__all__ = ["cache_entry"]

logger = logging.getLogger("pytest_oauthcc.client")


def cache_entry(
    parsed: TokenResponse,
    *,
    sent: float,
    sent_wall: float,
    renew_before: float,
    default_expires_in: float,
    previous: CachedToken | None,
) -> CachedToken:
    """The cache entry for a freshly parsed token.

    Args:
        parsed: the token response.
        sent, sent_wall: when the request was sent (monotonic and wall clock).
        renew_before: renew this many seconds before expiry (at most half the lifetime).
        default_expires_in: the lifetime when the response states none.
        previous: the token this one replaces, if any (for the sticky-token guard).

    Raises:
        InvalidTokenResponseError: an ``expires_at`` already in the past.
    """
    if parsed.lifetime is not None:
        lifetime = parsed.lifetime
    elif parsed.expires_at is not None:
        lifetime = parsed.expires_at - sent_wall
        if lifetime <= 0:
            raise InvalidTokenResponseError(
                f"the token response's expires_at is {-lifetime:.0f}s in the past by this "
                "client's clock; check for clock skew or an expires_at in other units"
            )
    else:
        lifetime = default_expires_in
        logger.debug("token response states no lifetime; assuming %ss", lifetime)
    # Short-lived tokens would otherwise be renewed at once (or never be used).
    margin = min(renew_before, lifetime / 2)
    value = parsed.access_token
    token = CachedToken(
        value, fingerprint(value), sent + lifetime - margin, sent + lifetime, parsed.scope
    )
    if previous is not None and previous.value == value:
        # Sticky-token guard: a provider re-issuing the same token near its expiry
        # (shorter lifetime each time) would be asked again and again as the renewal
        # window halves; renewing cannot help until it really expires, so wait for that.
        token.renew_at = token.expires_at
        logger.debug("provider re-issued token %s; using it until expiry", token.fingerprint)
    logger.debug("got token %s, lifetime %.0fs", token.fingerprint, lifetime)
    return token
