"""Token-response quirks: the ways real providers bend RFC 6749 §5.1.

Each quirk models a provider a client library will meet in the wild: ``expires_in`` sent as
a string (some Azure AD v1 endpoints), ``expires_at`` instead of ``expires_in``, lifetimes in
milliseconds, a lower-case ``bearer``, the token nested under ``data``, a form-encoded body
(GitHub's default), a strict request parser that refuses ``;charset`` (some Spring
gateways). Quirks are provider-wide or per client; a client's own quirks win. Each field of
:class:`Quirks` is its option definition (:mod:`.options`).

Layering: imports ``faults.options`` only.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .options import Option, Problem, options_of, value_problems
from .options import option as _option

__all__ = [
    "CONFORMANT",
    "EXPIRES_AT",
    "EXPIRES_IN_AS",
    "QUIRK_NAMES",
    "QUIRK_OPTIONS",
    "Quirks",
    "quirk_problems",
    "validate_quirks",
]

# The values the expires_in_as and expires_at quirks take (the strategies draw from them).
EXPIRES_IN_AS = ("string", "float", "zero", "missing")
EXPIRES_AT = ("epoch", "epoch_ms", "iso8601")


def _one_of(name: str, allowed: tuple[str, ...]) -> Any:
    def check(value: Any) -> str | None:
        if value is not None and value not in allowed:
            return f"{name} must be one of {', '.join(allowed)}, got {value!r}"
        return None

    return check


def _text(name: str) -> Any:
    def check(value: Any) -> str | None:
        if value is not None and (not isinstance(value, str) or not value):
            return f"{name} must be a non-empty string, got {value!r}"
        return None

    return check


def _flag(name: str) -> Any:
    def check(value: Any) -> str | None:
        return None if isinstance(value, bool) else f"{name} must be true or false, got {value!r}"

    return check


def _claimed(value: Any) -> str | None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        return f"claimed_expires_in must be a whole number of seconds, got {value!r}"
    return None


def _mapping(value: Any) -> str | None:
    if not isinstance(value, Mapping):
        return "extra_fields must be a mapping of member names to values"
    return None


def _scopes(value: Any) -> str | None:
    if value is not None and (
        isinstance(value, str)
        or not isinstance(value, Iterable)
        or not all(isinstance(s, str) for s in value)
    ):
        return f"narrow_scope must be a list of scope strings, got {value!r}"
    return None


def _flag_option(name: str, doc: str) -> Any:
    return _option(False, json=("boolean",), doc=doc, check=_flag(name))


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

    expires_in_as: str | None = _option(
        None,
        json=("string", "null"),
        doc="string, float, zero or missing",
        check=_one_of("expires_in_as", EXPIRES_IN_AS),
    )
    claimed_expires_in: int | None = _option(
        None, json=("integer", "null"), doc="announce this lifetime instead", check=_claimed
    )
    expires_at: str | None = _option(
        None,
        json=("string", "null"),
        doc="epoch, epoch_ms or iso8601 instead of expires_in",
        check=_one_of("expires_at", EXPIRES_AT),
    )
    lifetime_ms: bool = _flag_option("lifetime_ms", "expires_in in milliseconds")
    token_type: str | None = _option(
        None,
        json=("string", "null"),
        doc="bearer (lower case), missing, or any string",
        check=_text("token_type"),
    )
    nest_under: str | None = _option(
        None,
        json=("string", "null"),
        doc="nest the token fields under this key",
        check=_text("nest_under"),
    )
    extra_fields: Mapping[str, Any] = _option(
        json=("object",),
        doc="extra members of the token response",
        check=_mapping,
        convert=dict,
        factory=dict,
    )
    narrow_scope: tuple[str, ...] | None = _option(
        None,
        json=("array", "null"),
        doc="grant at most these scopes",
        check=_scopes,
        convert=lambda v: None if v is None else tuple(v),
    )
    sticky_token: bool = _flag_option("sticky_token", "re-issue the same still-valid token")
    form_encoded_response: bool = _flag_option(
        "form_encoded_response", "answer form-encoded instead of JSON"
    )
    response_charset: bool = _flag_option(
        "response_charset", "answer application/json;charset=UTF-8"
    )
    reject_request_charset: bool = _flag_option(
        "reject_request_charset", "refuse ;charset in the request type"
    )

    def merged(self, changes: Mapping[str, Any]) -> Quirks:
        """A copy with ``changes`` (already validated) applied."""
        return dataclasses.replace(self, **changes)

    def overlay(self, own: Quirks) -> Quirks:
        """These quirks with every non-default quirk of ``own`` on top (a client's own)."""
        return dataclasses.replace(self, **_non_default(own))

    def active(self) -> dict[str, Any]:
        """The quirks that differ from the conformant default, JSON-ready."""
        return {
            name: list(value) if isinstance(value, tuple) else value
            for name, value in _non_default(self).items()
        }


def _non_default(quirks: Quirks) -> dict[str, Any]:
    default = Quirks()
    return {
        name: getattr(quirks, name)
        for name in QUIRK_OPTIONS
        if getattr(quirks, name) != getattr(default, name)
    }


#: The conformant quirk set, shared (quirks are immutable): a provider without quirks holds
#: this very object, so the token endpoint tells "nothing to shape" by identity.
CONFORMANT = Quirks()

#: The quirk options, in the order every surface lists them.
QUIRK_OPTIONS: dict[str, Option] = options_of(Quirks)
QUIRK_NAMES = tuple(QUIRK_OPTIONS)


def quirk_problems(quirks: Mapping[str, Any]) -> list[Problem]:
    """The problems of quirk values (names already known), as ``(quirk, message)`` pairs."""
    return value_problems(quirks, QUIRK_OPTIONS)


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
    problems = quirk_problems(quirks)
    if problems:
        raise ValueError("invalid quirk value: " + "; ".join(message for _, message in problems))
    out = dict(quirks)
    for name, value in quirks.items():
        convert = QUIRK_OPTIONS[name].convert
        if convert is not None:
            out[name] = convert(value)
    return out
