"""Reading token endpoint answers: RFC 6749 §5.1 success and §5.2 errors, tolerantly.

Real providers bend §5.1: ``expires_in`` as a string or float, ``expires_at`` instead,
a lower-case ``bearer``, the token nested under ``data``, form-encoded bodies (GitHub), an
``error`` inside a 200. Each shape that still means one thing is accepted; anything that
does not is a typed error saying exactly what was wrong. Values are never echoed: a body
may hold a token.

Layering: part of the reference client: imports httpx, :mod:`pytest_oauthcc.errors`,
:mod:`mock_provider.protocol` and the client's lower modules only; never pytest, the plugin or
the connection format.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any
from urllib.parse import parse_qsl

import httpx

from pytest_oauthcc.errors import (
    InvalidTokenResponseError,
    TokenEndpointError,
    TokenEndpointUnavailableError,
    TokenRequestError,
    UnsupportedTokenTypeError,
)

from .retry import parse_retry_after

__all__ = ["RETRYABLE_ERRORS", "TERMINAL_ERRORS", "TokenResponse", "parse_token_response"]

# RFC 6749 §5.2 codes that no retry can fix: the request or the client is wrong.
TERMINAL_ERRORS = frozenset(
    {
        "invalid_request",
        "invalid_client",
        "invalid_grant",
        "unauthorized_client",
        "unsupported_grant_type",
        "invalid_scope",
    }
)
# §4.1.2.1 defines these two for "the authorization server is currently unable to handle
# the request due to a temporary overloading or maintenance" and unexpected conditions.
RETRYABLE_ERRORS = frozenset({"temporarily_unavailable", "server_error"})
RETRYABLE_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
# Epoch seconds stay below this until the year 5138; epoch milliseconds are above it.
_EPOCH_MS_ABOVE = 1e11


@dataclass(frozen=True)
class TokenResponse:
    """A parsed §5.1 answer. ``lifetime`` is relative seconds (from ``expires_in``);
    ``expires_at`` absolute epoch seconds (from ``expires_at``); at most one is set."""

    access_token: str
    token_type: str
    lifetime: float | None
    expires_at: float | None
    scope: tuple[str, ...] | None

    def __repr__(self) -> str:
        return f"TokenResponse(lifetime={self.lifetime!r}, expires_at={self.expires_at!r})"


def _describe_body(response: httpx.Response) -> str:
    kind = response.headers.get("content-type", "no Content-Type")
    size = len(response.content)
    shape = " (looks like HTML)" if response.content.lstrip()[:1] == b"<" else ""
    return f"a {size}-byte body with {kind}{shape}"


def _load_body(response: httpx.Response) -> dict[str, Any] | None:
    """The body as a dict, or ``None`` when it is not a JSON object or form-encoded."""
    content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    raw = response.content
    if content_type == "application/x-www-form-urlencoded":
        # Form-encoded token responses (GitHub's default) carry every value as a string.
        try:
            return dict(parse_qsl(raw.decode("utf-8"), keep_blank_values=True, strict_parsing=True))
        except (UnicodeDecodeError, ValueError):
            return None
    try:
        loaded = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return None
    return loaded if isinstance(loaded, dict) else None


def _error_from(
    body: Mapping[str, Any], status: int, retry_after: float | None
) -> TokenEndpointError:
    error = str(body["error"])
    description = body.get("error_description")
    uri = body.get("error_uri")
    retryable = error in RETRYABLE_ERRORS or (
        error not in TERMINAL_ERRORS and status in RETRYABLE_STATUSES
    )
    detail = f": {description}" if isinstance(description, str) and description else ""
    return TokenEndpointError(
        f"the token endpoint refused the request with HTTP {status} error={error}{detail}",
        error=error,
        error_description=description if isinstance(description, str) else None,
        error_uri=uri if isinstance(uri, str) else None,
        status=status,
        retryable=retryable,
        retry_after=retry_after,
    )


def _number(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise InvalidTokenResponseError(
            f"the token response's {name} is a {type(value).__name__}, expected a number"
        )
    try:
        number = float(value)
    except ValueError:
        raise InvalidTokenResponseError(
            f"the token response's {name} is the string {str(value)[:40]!r}, expected a number"
        ) from None
    except OverflowError:  # a JSON integer no float holds (10**400)
        raise InvalidTokenResponseError(
            f"the token response's {name} is not a finite number"
        ) from None
    if number != number or number in (float("inf"), float("-inf")):
        raise InvalidTokenResponseError(f"the token response's {name} is not a finite number")
    return number


def _expires_at(value: Any) -> float:
    if isinstance(value, str):
        try:
            return _number(value, "expires_at") / (1000 if float(value) > _EPOCH_MS_ABOVE else 1)
        except (InvalidTokenResponseError, ValueError):
            pass
        try:
            moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise InvalidTokenResponseError(
                f"the token response's expires_at {value[:40]!r} is neither epoch seconds, "
                "epoch milliseconds nor an ISO 8601 date-time"
            ) from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
        return moment.timestamp()
    number = _number(value, "expires_at")
    return number / 1000 if number > _EPOCH_MS_ABOVE else number


def _container(body: dict[str, Any], token_path: str) -> tuple[Mapping[str, Any], str]:
    *parents, leaf = token_path.split(".")
    node: Any = body
    for key in parents:
        node = node.get(key) if isinstance(node, Mapping) else None
    if not isinstance(node, Mapping) or leaf not in node:
        hint = ""
        for key, value in body.items():
            if isinstance(value, Mapping) and "access_token" in value:
                hint = (
                    f"; it is at {key}.access_token, so pass token_path={key + '.access_token'!r}"
                )
        members = ", ".join(sorted(str(k) for k in body)) or "none"
        raise InvalidTokenResponseError(
            f"the token response has no {token_path} (RFC 6749 §5.1 requires access_token); "
            f"its top-level members are: {members}{hint}"
        )
    return node, leaf


def parse_token_response(
    response: httpx.Response,
    *,
    token_path: str = "access_token",
    expires_in_unit: float = 1.0,
    wall_now: float,
    expires_in_path: str | None = None,
) -> TokenResponse:
    """Parse a token endpoint answer whose body has been read.

    Args:
        response: the answer.
        token_path: dotted path of the access token (``data.access_token`` for nested ones);
            ``token_type``, ``expires_in``, ``expires_at`` and ``scope`` are read next to it.
        expires_in_unit: seconds per ``expires_in`` unit (0.001 for providers in ms).
        wall_now: the wall clock now, to judge a ``Retry-After`` HTTP date.
        expires_in_path: dotted path of the lifetime from the top of the body, for
            providers that keep it elsewhere (``data.ttl``); ``None``: next to the token.

    Raises:
        TokenEndpointError: a §5.2 error body (with any status, 200 included).
        TokenEndpointUnavailableError: 429 or 5xx without an OAuth error (retryable).
        InvalidTokenResponseError: any other answer that is not a usable token.
        UnsupportedTokenTypeError: a ``token_type`` other than Bearer.
    """
    status = response.status_code
    retry_after = parse_retry_after(response.headers.get("retry-after"), wall_now=wall_now)
    body = _load_body(response)
    if body is not None and isinstance(body.get("error"), str):
        # §5.2 errors are normally 400/401, but some providers send them with 200.
        raise _error_from(body, status, retry_after)
    if not 200 <= status < 300:
        message = f"the token endpoint answered HTTP {status} with {_describe_body(response)}"
        if status in RETRYABLE_STATUSES:
            raise TokenEndpointUnavailableError(
                message, status=status, retryable=True, retry_after=retry_after
            )
        raise TokenRequestError(
            message + "; expected 200 with a token or an RFC 6749 §5.2 error", status=status
        )
    if body is None:
        raise InvalidTokenResponseError(
            f"the token endpoint answered HTTP {status} with {_describe_body(response)}, "
            "which is not a JSON object (RFC 6749 §5.1: application/json) nor form-encoded",
            status=status,
        )
    container, leaf = _container(body, token_path)
    token = container[leaf]
    if not isinstance(token, str) or not token:
        raise InvalidTokenResponseError(
            f"the token response's {token_path} is not a non-empty string", status=status
        )
    return TokenResponse(
        access_token=token,
        token_type=_token_type(container.get("token_type")),
        lifetime=_lifetime(
            container.get("expires_in") if expires_in_path is None else _at(body, expires_in_path),
            expires_in_unit,
        ),
        expires_at=_optional_expires_at(container),
        scope=tuple(container["scope"].split())
        if isinstance(container.get("scope"), str)
        else None,
    )


def _at(body: Mapping[str, Any], path: str) -> Any:
    node: Any = body
    for key in path.split("."):
        node = node.get(key) if isinstance(node, Mapping) else None
    return node


def _token_type(value: Any) -> str:
    # §7.1 / §5.1: token_type is REQUIRED and case-insensitive; a missing one is taken as
    # Bearer because every provider that omits it issues bearer tokens.
    if value is None:
        return "Bearer"
    if isinstance(value, str) and value.lower() == "bearer":
        return "Bearer"
    shown = value[:20] if isinstance(value, str) else type(value).__name__
    raise UnsupportedTokenTypeError(
        f"the token response's token_type is {shown!r}; this client only uses Bearer tokens "
        "(RFC 6750), and RFC 6749 §7.1 forbids using a token of a type it does not understand"
    )


def _lifetime(value: Any, unit: float) -> float | None:
    if value is None or value == "":
        return None
    seconds = _number(value, "expires_in") * unit
    # 0 or less carries no usable lifetime; the default lifetime applies (never "forever").
    return seconds if seconds > 0 else None


def _optional_expires_at(container: Mapping[str, Any]) -> float | None:
    if container.get("expires_in") not in (None, ""):
        return None  # relative beats absolute: it needs no agreement between clocks
    value = container.get("expires_at")
    return None if value in (None, "") else _expires_at(value)
