"""What a token endpoint or protected resource sends back, as plain data.

:class:`HTTPAnswer` is status, headers and body bytes, with helpers to look at it and to
turn it into an ``httpx.Response`` for a client's parser; the strategies in
:mod:`.responses` generate them from the mock provider's own rendering code, so the bytes
are exactly what the provider (and the providers it imitates) would send.

Layering: imports Hypothesis, PyYAML and what :mod:`mock_provider` exports; never the plugin
(the connection format only inside runnable examples).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx

__all__ = ["ErrorAnswer", "HTTPAnswer", "TokenAnswer"]


@dataclass(frozen=True)
class HTTPAnswer:
    """One HTTP answer: ``status``, ``headers`` (name, value pairs) and ``body`` bytes."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes

    def header(self, name: str) -> str | None:
        """The first value of header ``name`` (case-insensitive), or ``None``."""
        lname = name.lower()
        return next((v for k, v in self.headers if k.lower() == lname), None)

    def json(self) -> Any:
        """The body parsed as JSON.

        Raises:
            ValueError: if the body is not JSON (a form-encoded or malformed answer).
        """
        return json.loads(self.body)

    def to_httpx(self, request: httpx.Request | None = None) -> httpx.Response:
        """This answer as an ``httpx.Response`` (body already read), for a client's parser.

        Args:
            request: the request it answers; a ``POST`` to ``https://provider.test/token``
                by default.
        """
        import httpx

        if request is None:
            request = httpx.Request("POST", "https://provider.test/token")
        return httpx.Response(
            self.status, headers=list(self.headers), content=self.body, request=request
        )


@dataclass(frozen=True)
class TokenAnswer(HTTPAnswer):
    """A successful token response (RFC 6749 §5.1), possibly bent by provider quirks.

    Attributes:
        access_token: the token the answer carries (wherever the quirks put it).
        lifetime: the token's real lifetime in seconds (``expires_in`` before quirks).
        scope: the granted scopes (empty when the answer names none).
        issued_at: the epoch second the answer was made at (``expires_at`` quirks are
            relative to it).
        quirks: the :class:`mock_provider.quirks.Quirks` options that shaped it (empty for
            a conformant answer).
    """

    access_token: str = ""
    lifetime: int = 3600
    scope: tuple[str, ...] = ()
    issued_at: float = 0.0
    quirks: Mapping[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:
        shown = ", ".join(f"{k}={v!r}" for k, v in self.quirks.items()) or "none"
        return (
            f"TokenAnswer({self.status}, lifetime={self.lifetime}, scope={self.scope!r}, "
            f"quirks: {shown}, body={self.body!r})"
        )


@dataclass(frozen=True)
class ErrorAnswer(HTTPAnswer):
    """An error answer: RFC 6749 §5.2 from a token endpoint, or RFC 6750 §3 from a
    protected resource (with its ``WWW-Authenticate`` challenge).

    Attributes:
        error: the error code (``None`` for RFC 6750's bare challenge without one).
        error_description: the description, if any.
        where: ``"token"`` or ``"resource"``.
    """

    error: str | None = None
    error_description: str | None = None
    where: str = "token"

    def __repr__(self) -> str:
        return (
            f"ErrorAnswer({self.status}, where={self.where!r}, error={self.error!r}, "
            f"headers={dict(self.headers)!r})"
        )
