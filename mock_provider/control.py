"""The HTTP control API under ``/_mock/``: the Python scripting surface, over HTTP.

For a provider running as its own process (``oauthcc serve``, a container, a test suite in
another language): register clients, queue faults, set quirks, move the clock, revoke
tokens, read the request log, reset. Off unless enabled; when the provider listens beyond
loopback it needs a bearer control token. Described by ``GET /_mock/openapi.json``; the
operations themselves are in :mod:`mock_provider.control_routes`.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .control_routes import REQUEST_FILTERS, ROUTES, ControlError
from .faults import CONTROL_PREFIX
from .http import Request, Response
from .snapshot import ProviderState

if TYPE_CHECKING:
    from .provider import MockProvider

__all__ = ["REQUEST_FILTERS", "ControlError", "ControlSettings", "handle_control"]


@dataclass
class ControlSettings:
    """Whether control requests need a token, and the state ``POST /_mock/reset`` restores.

    The token never appears in ``repr``.
    """

    token: str | None = field(default=None, repr=False)
    initial: ProviderState | None = None

    @classmethod
    def capture(cls, provider: MockProvider, *, token: str | None) -> ControlSettings:
        """Settings whose reset state is ``provider``'s state right now."""
        return cls(token=token, initial=ProviderState.capture(provider))


def handle_control(provider: MockProvider, request: Request) -> Response:
    """Answer one request under ``/_mock/`` (the caller checked the prefix)."""
    settings = provider.control
    try:
        if settings is not None and settings.token is not None:
            _authorize(request, settings.token)
        route = request.path[len(CONTROL_PREFIX) :].strip("/")
        first, _, rest = route.partition("/")
        handlers = ROUTES.get(first)
        if handlers is None or (rest and first != "clients"):
            raise ControlError(
                404,
                "not_found",
                f"no control endpoint at {request.path[:120]}; endpoints: "
                + ", ".join(f"{CONTROL_PREFIX}{name}" for name in ROUTES if name),
            )
        method = "GET" if request.method == "HEAD" else request.method
        handler = handlers.get(method)
        if handler is None:
            allowed = ", ".join(handlers)
            raise ControlError(
                405,
                "method_not_allowed",
                f"{request.method} is not allowed on {request.path[:120]}; use {allowed}",
                Allow=allowed,
            )
        status, payload = handler(provider, request, rest)
    except ControlError as exc:
        return Response.json(exc.status, {"error": exc.error, "message": exc.message}, exc.headers)
    return Response.json(status, payload, {"Cache-Control": "no-store"})


def _authorize(request: Request, token: str) -> None:
    scheme, _, presented = (request.headers.get("Authorization") or "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(
        presented.strip().encode(), token.encode()
    ):
        raise ControlError(
            401,
            "unauthorized",
            "the control API needs 'Authorization: Bearer <control token>' on this host; "
            "the token was given with --control-token or printed when the server started",
            **{"WWW-Authenticate": 'Bearer realm="mock-control"'},
        )
