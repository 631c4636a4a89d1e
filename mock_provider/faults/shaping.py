"""Shaping a conformant RFC 6749 §5.1 token response into the quirky one a provider sends.

Layering: imports ``protocol`` and ``faults.quirks`` only.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlencode

from mock_provider.protocol.http import Response

from .quirks import CONFORMANT, Quirks

__all__ = ["shape_token_response"]


def shape_token_response(
    quirks: Quirks, body: dict[str, Any], *, expires_at: float, headers: Mapping[str, str]
) -> Response:
    """Turn a conformant RFC 6749 §5.1 token response ``body`` into the quirky one."""
    # Most requests: nothing to shape (the provider holds CONFORMANT itself unless quirks
    # were set; a set equal to it, e.g. restored from a snapshot, is compared).
    if quirks is CONFORMANT or quirks == CONFORMANT:
        return Response.json(200, body, headers)
    shaped = dict(body)
    if quirks.claimed_expires_in is not None:
        expires_at += quirks.claimed_expires_in - body.get("expires_in", 0)
        shaped["expires_in"] = quirks.claimed_expires_in
    lifetime = shaped.get("expires_in")
    if lifetime is not None:
        if quirks.lifetime_ms:
            shaped["expires_in"] = lifetime * 1000
        if quirks.expires_in_as == "string":
            shaped["expires_in"] = str(shaped["expires_in"])
        elif quirks.expires_in_as == "float":
            shaped["expires_in"] = float(shaped["expires_in"])
        elif quirks.expires_in_as == "zero":
            shaped["expires_in"] = 0
        elif quirks.expires_in_as == "missing":
            del shaped["expires_in"]
    if quirks.expires_at is not None:
        shaped.pop("expires_in", None)
        if quirks.expires_at == "epoch":
            shaped["expires_at"] = int(expires_at)
        elif quirks.expires_at == "epoch_ms":
            shaped["expires_at"] = int(expires_at * 1000)
        else:
            moment = datetime.fromtimestamp(int(expires_at), tz=timezone.utc)
            shaped["expires_at"] = moment.isoformat().replace("+00:00", "Z")
    if quirks.token_type == "missing":
        shaped.pop("token_type", None)
    elif quirks.token_type is not None:
        shaped["token_type"] = quirks.token_type
    shaped.update(quirks.extra_fields)
    if quirks.nest_under is not None:
        shaped = {quirks.nest_under: shaped}
    pairs = list(headers.items())
    if quirks.form_encoded_response:
        flat = {k: v if isinstance(v, str) else json.dumps(v) for k, v in shaped.items()}
        return Response(
            200,
            [("Content-Type", "application/x-www-form-urlencoded"), *pairs],
            urlencode(flat).encode(),
        )
    response = Response.json(200, shaped, pairs)
    if quirks.response_charset:
        response.headers[0] = ("Content-Type", "application/json;charset=UTF-8")
    return response
