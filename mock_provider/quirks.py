"""Token-response quirks: the ways real providers bend RFC 6749 §5.1.

Each quirk models a provider a client library will meet in the wild: ``expires_in`` sent as
a string (some Azure AD v1 endpoints), ``expires_at`` instead of ``expires_in``, lifetimes in
milliseconds, a lower-case ``bearer``, the token nested under ``data``, a form-encoded body
(GitHub's default), a strict request parser that refuses ``;charset`` (some Spring
gateways). Quirks are provider-wide or per client; a client's own quirks win.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlencode

from .http import Response

__all__ = [
    "EXPIRES_AT",
    "EXPIRES_IN_AS",
    "QUIRK_NAMES",
    "Quirks",
    "shape_token_response",
    "validate_quirks",
]

# The values the expires_in_as and expires_at quirks take (the strategies draw from them).
EXPIRES_IN_AS = ("string", "float", "zero", "missing")
EXPIRES_AT = ("epoch", "epoch_ms", "iso8601")


@dataclass(frozen=True)
class Quirks:
    """A set of token-response quirks; every field's default is the conformant behaviour.

    Attributes:
        expires_in_as: send ``expires_in`` as ``"string"``, ``"float"``, ``"zero"`` (0) or
            leave it ``"missing"``.
        claimed_expires_in: announce this lifetime whatever the token's real one (a
            token that dies before the client expects it to).
        expires_at: send an absolute expiry instead of ``expires_in``: ``"epoch"`` seconds,
            ``"epoch_ms"`` milliseconds or ``"iso8601"``.
        lifetime_ms: send ``expires_in`` in milliseconds.
        token_type: ``"bearer"`` (lower case), ``"missing"``, or any other string to send.
        nest_under: put the token fields under this key (``{"data": {...}}``).
        extra_fields: extra members to add to the response.
        narrow_scope: grant at most these scopes, whatever was asked (the response's
            ``scope`` then differs from the request, as RFC 6749 §3.3 allows).
        sticky_token: re-issue the client's still-valid token instead of a new one.
        form_encoded_response: answer ``application/x-www-form-urlencoded`` instead of JSON.
        response_charset: answer ``application/json;charset=UTF-8``.
        reject_request_charset: refuse a request whose Content-Type has a ``charset``.
    """

    expires_in_as: str | None = None
    claimed_expires_in: int | None = None
    expires_at: str | None = None
    lifetime_ms: bool = False
    token_type: str | None = None
    nest_under: str | None = None
    extra_fields: Mapping[str, Any] = field(default_factory=dict)
    narrow_scope: tuple[str, ...] | None = None
    sticky_token: bool = False
    form_encoded_response: bool = False
    response_charset: bool = False
    reject_request_charset: bool = False

    def merged(self, changes: Mapping[str, Any]) -> Quirks:
        """A copy with ``changes`` (already validated) applied."""
        return dataclasses.replace(self, **changes)

    def overlay(self, own: Quirks) -> Quirks:
        """These quirks with every non-default quirk of ``own`` on top (a client's own)."""
        default = Quirks()
        changes = {
            f.name: getattr(own, f.name)
            for f in dataclasses.fields(own)
            if getattr(own, f.name) != getattr(default, f.name)
        }
        return dataclasses.replace(self, **changes)

    def active(self) -> dict[str, Any]:
        """The quirks that differ from the conformant default, JSON-ready."""
        default = Quirks()
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if value != getattr(default, f.name):
                out[f.name] = list(value) if isinstance(value, tuple) else value
        return out


QUIRK_NAMES = tuple(f.name for f in dataclasses.fields(Quirks))


def validate_quirks(quirks: Mapping[str, Any]) -> dict[str, Any]:
    """Check quirk names and values; return them normalised for :meth:`Quirks.merged`.

    Raises:
        TypeError: for an unknown quirk name (the message lists the valid ones).
        ValueError: for a value the quirk does not take.
    """
    unknown = sorted(set(quirks) - set(QUIRK_NAMES))
    if unknown:
        raise TypeError(
            f"unknown quirk(s) {', '.join(unknown)}; valid quirks: {', '.join(QUIRK_NAMES)}"
        )
    out = dict(quirks)
    problems: list[str] = []
    choices = {"expires_in_as": EXPIRES_IN_AS, "expires_at": EXPIRES_AT}
    for name, allowed in choices.items():
        if out.get(name) is not None and out[name] not in allowed:
            problems.append(f"{name} must be one of {', '.join(allowed)}, got {out[name]!r}")
    for name in ("token_type", "nest_under"):
        value = out.get(name)
        if value is not None and (not isinstance(value, str) or not value):
            problems.append(f"{name} must be a non-empty string, got {value!r}")
    for name in (
        "lifetime_ms",
        "sticky_token",
        "form_encoded_response",
        "response_charset",
        "reject_request_charset",
    ):
        if name in out and not isinstance(out[name], bool):
            problems.append(f"{name} must be true or false, got {out[name]!r}")
    if "extra_fields" in out:
        if not isinstance(out["extra_fields"], Mapping):
            problems.append("extra_fields must be a mapping of member names to values")
        else:
            out["extra_fields"] = dict(out["extra_fields"])
    claimed = out.get("claimed_expires_in")
    if claimed is not None and (isinstance(claimed, bool) or not isinstance(claimed, int)):
        problems.append(f"claimed_expires_in must be a whole number of seconds, got {claimed!r}")
    scopes = out.get("narrow_scope")
    if scopes is not None:
        if isinstance(scopes, str) or not all(isinstance(s, str) for s in scopes):
            problems.append(f"narrow_scope must be a list of scope strings, got {scopes!r}")
        else:
            out["narrow_scope"] = tuple(scopes)
    if problems:
        raise ValueError("invalid quirk value: " + "; ".join(problems))
    return out


def shape_token_response(
    quirks: Quirks, body: dict[str, Any], *, expires_at: float, headers: Mapping[str, str]
) -> Response:
    """Turn a conformant RFC 6749 §5.1 token response ``body`` into the quirky one."""
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
