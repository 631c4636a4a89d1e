"""The provider's scripting surface: faults, quirks, server-side events, the control API.

A mixin of :class:`~mock_provider.MockProvider`, kept here so the provider's state module
stays about clients and tokens. Everything a test scripts goes through these methods, and
the HTTP control API (:mod:`mock_provider.control`) calls the same ones.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

from .fault_answers import presented_client_id
from .faults import ENDPOINTS, Fault, FaultQueue
from .quirks import Quirks, validate_quirks

if TYPE_CHECKING:
    import threading

    from .clock import Clock
    from .control import ControlSettings
    from .http import Request
    from .provider import IssuedToken, MockProvider, Resource
    from .rfc9068 import SigningKeys

__all__ = ["ScriptingMixin"]


class ScriptingMixin:
    """Faults, quirks, signing-key rotation and the control switch of a provider."""

    faults: FaultQueue
    control: ControlSettings | None
    clock: Clock
    _lock: threading.RLock
    _quirks: Quirks
    _client_quirks: dict[str, Quirks]
    _tokens: dict[str, IssuedToken]
    _keys: SigningKeys | None
    _resources: dict[str, Resource]

    # -- faults ---------------------------------------------------------------------------

    def add_fault(
        self,
        endpoint: str,
        *,
        times: int | None = 1,
        every: int | None = None,
        client_id: str | None = None,
        status: int | None = None,
        error: str | None = None,
        error_description: str | None = None,
        headers: Mapping[str, str] | None = None,
        body: str | bytes | dict[str, Any] | None = None,
        content_type: str | None = None,
        retry_after: int | str | None = None,
        delay: float = 0.0,
        drop: bool = False,
        malformed: str | None = None,
    ) -> Fault:
        """Queue a scripted failure for ``endpoint`` and return it.

        Args:
            endpoint: ``token``, ``revoke``, ``introspect``, ``me``, ``metadata``, ``jwks``
                or the name of another protected resource.
            times: how many times it fires; ``None`` until :meth:`clear_faults`.
            every: fire only on every Nth matching request (``every=5``: the 5th, 10th...).
            client_id: only requests from (or with a token of) this client.
            status: the HTTP status to answer (default: from ``error``, 429 with
                ``retry_after``, else 200 for a body).
            error, error_description: an RFC 6749 §5.2 / RFC 6750 §3.1 error to answer.
            headers: response headers to add (also to a passed-through answer).
            body, content_type: a body to answer (a dict is sent as JSON).
            retry_after: a ``Retry-After`` value, seconds or an HTTP date.
            delay: seconds to wait before answering (a large value is a hang).
            drop: answer nothing and drop the connection (a reset on a socket).
            malformed: ``invalid_json``, ``truncated_json``, ``html``, ``empty`` or
                ``error_in_200``.

        A fault with only ``headers`` and/or ``delay`` lets the real endpoint answer.

        Raises:
            TypeError: for an unknown option (a typo).
            ValueError: for an unknown endpoint, an invalid value or combination.
        """
        self.check_fault_endpoint(endpoint)
        fault = Fault(
            endpoint,
            times=times,
            every=every,
            client_id=client_id,
            status=status,
            error=error,
            error_description=error_description,
            headers=dict(headers or {}),
            body=body,
            content_type=content_type,
            retry_after=retry_after,
            delay=float(delay),
            drop=drop,
            malformed=malformed,
        )
        return self.faults.add(fault)

    def check_fault_endpoint(self, endpoint: str) -> None:
        """Refuse a fault for an endpoint this provider does not serve (a typo would
        otherwise wait forever, unfired).

        Raises:
            ValueError: naming every endpoint a fault can target.
        """
        served = dict.fromkeys([*ENDPOINTS, *self._resources])
        if endpoint not in served:
            raise ValueError(
                f"no endpoint named {endpoint!r} to fault; endpoints: {', '.join(served)}"
            )

    def clear_faults(self) -> None:
        """Drop every queued fault and release any request waiting on a fault's delay."""
        self.faults.clear()

    # -- quirks ---------------------------------------------------------------------------

    @property
    def quirks(self) -> Quirks:
        """The provider-wide token-response quirks."""
        return self._quirks

    def set_quirks(self, *, client_id: str | None = None, **quirks: Any) -> Quirks:
        """Switch on token-response quirks, provider-wide or for one client; return them.

        Calls accumulate; a client's own quirks win over the provider-wide ones. See
        :class:`~mock_provider.quirks.Quirks` for the names and values.

        Raises:
            TypeError: for an unknown quirk name (the message lists the valid ones).
            ValueError: for an invalid value.
        """
        changes = validate_quirks(quirks)
        with self._lock:
            if client_id is None:
                self._quirks = self._quirks.merged(changes)
                return self._quirks
            current = self._client_quirks.get(client_id, Quirks())
            self._client_quirks[client_id] = current.merged(changes)
            return self._client_quirks[client_id]

    def clear_quirks(self, *, client_id: str | None = None) -> None:
        """Back to conformant responses: for one client, or everywhere (``None``)."""
        with self._lock:
            if client_id is not None:
                self._client_quirks.pop(client_id, None)
                return
            self._quirks = Quirks()
            self._client_quirks.clear()

    def quirks_for(self, client_id: str | None) -> Quirks:
        """The quirks in force for ``client_id``: its own on top of the provider-wide ones."""
        own = self._client_quirks.get(client_id) if client_id is not None else None
        if own is None:
            return self._quirks
        return self._quirks.overlay(own)

    @property
    def client_quirks(self) -> dict[str, Quirks]:
        """The per-client quirks, by client_id."""
        with self._lock:
            return dict(self._client_quirks)

    def quirks_for_request(self, request: Request, endpoint: str | None) -> Quirks:
        """The quirks for the client ``request`` claims to come from (before it is checked)."""
        if not self._client_quirks:
            return self._quirks
        return self.quirks_for(self.presented_client_id(request, endpoint))

    def presented_client_id(self, request: Request, endpoint: str | None) -> str | None:
        """The client a request claims to be from, unchecked (see :mod:`.fault_answers`)."""
        return presented_client_id(request, endpoint, self._client_of_token)

    def _client_of_token(self, value: str) -> str | None:
        token = self._tokens.get(value)
        return token.client_id if token is not None else None

    def take_fault(self, endpoint: str | None, request: Request) -> Fault | None:
        """The queued fault that answers ``request`` (consumed), or ``None``."""
        if endpoint is None or not self.faults:
            return None
        return self.faults.take(endpoint, self.presented_client_id(request, endpoint))

    def sticky_token(self, client_id: str, scopes: tuple[str, ...]) -> IssuedToken | None:
        """The client's still-valid token for exactly ``scopes``, if any (sticky quirk)."""
        provider = cast("MockProvider", self)
        with self._lock:
            candidates = [
                t for t in self._tokens.values() if t.client_id == client_id and t.scopes == scopes
            ]
        for token in reversed(candidates):
            # active_token also refuses a JWT signed with a rotated-out key.
            if provider.active_token(token.value) is not None:
                return token
        return None

    # -- server-side events ---------------------------------------------------------------

    def rotate_signing_key(self) -> None:
        """Replace the JWT signing key: tokens signed before now fail at the protected API
        and introspection, and the JWKS serves only the new key.

        Raises:
            MockProviderError: when the ``jwt`` extra (joserfc) is not installed.
        """
        if self._keys is None:
            from .rfc9068 import SigningKeys

            self._keys = SigningKeys()
        self._keys.rotate()

    # -- control API ----------------------------------------------------------------------

    def enable_control(self, token: str | None = None) -> None:
        """Serve the HTTP control API under ``/_mock/`` (off by default).

        Args:
            token: when set, control requests need ``Authorization: Bearer <token>`` and
                get 401 without it (``oauthcc serve`` sets one on non-loopback hosts).

        The current clients, quirks and queued faults become the state that
        ``POST /_mock/reset`` restores.
        """
        from .control import ControlSettings

        self.control = ControlSettings.capture(cast("MockProvider", self), token=token)

    def disable_control(self) -> None:
        """Stop serving the control API; ``/_mock/`` paths answer 404 again."""
        self.control = None
