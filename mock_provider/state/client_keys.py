"""A client's JWK Set fetched from its ``jwks_uri``: fetched lazily, cached, refreshed once.

RFC 7591 §2 lets a client register ``jwks_uri`` instead of ``jwks`` "to allow for key
rotation": so the set is fetched at the first assertion (not at registration, when the
server holding it may not run yet), cached, and fetched again when an assertion names a key
the cached set lacks (a rotated key), at most once per assertion.

The fetch goes through the httpx transport the test gives (``jwks_transport=``, e.g. another
provider's ``transport()`` or an ``httpx.MockTransport``), else through plain httpx, which
the pytest plugin's in-process routing and respx mocks answer like any client request.

Layering: imports ``protocol`` and httpx (lazily); never endpoints, app or transport.
"""

from __future__ import annotations

import json
import threading
from typing import Any

from mock_provider.protocol.jwks import JWKSError, PublicKey, load_public_keys

__all__ = ["JWKSFetchError", "RemoteJWKS"]

# A JWK Set is small; a server answering megabytes is not serving one.
_MAX_BYTES = 256 * 1024


class JWKSFetchError(Exception):
    """The client's JWK Set could not be fetched or used; the message names why, never a key."""


class RemoteJWKS:
    """The keys at one ``jwks_uri``. Thread-safe; ``repr`` shows the URI and key count."""

    def __init__(self, uri: str, transport: Any = None) -> None:
        self.uri = uri
        self.transport = transport
        self._lock = threading.Lock()
        self._keys: tuple[PublicKey, ...] | None = None
        self.fetches = 0

    def keys(self, *, refresh: bool = False) -> tuple[PublicKey, ...]:
        """The cached keys, fetching them first when there are none yet or on ``refresh``.

        Raises:
            JWKSFetchError: when the URI does not answer 200 with a usable JWK Set.
        """
        with self._lock:
            if self._keys is None or refresh:
                self._keys = self._fetch()
            return self._keys

    def _fetch(self) -> tuple[PublicKey, ...]:
        import httpx

        self.fetches += 1
        try:
            with httpx.Client(transport=self.transport, timeout=5.0) as http:
                response = http.get(self.uri, headers={"Accept": "application/json"})
        except httpx.HTTPError as exc:
            failed = type(exc).__name__
            raise JWKSFetchError(f"the client's jwks_uri cannot be reached ({failed})") from None
        if response.status_code != 200:
            raise JWKSFetchError(f"the client's jwks_uri answered HTTP {response.status_code}")
        if len(response.content) > _MAX_BYTES:
            raise JWKSFetchError("the client's jwks_uri answered more than 256 KiB")
        try:
            return load_public_keys(json.loads(response.content))
        except ValueError as exc:
            problems = exc.problems if isinstance(exc, JWKSError) else [("", "not JSON")]
            field, message = problems[0]
            where = f" at {field}" if field else ""
            raise JWKSFetchError(
                f"the JWK Set at the client's jwks_uri is unusable{where}: {message}"
            ) from None

    def __repr__(self) -> str:
        held = "not fetched" if self._keys is None else f"{len(self._keys)} keys"
        return f"RemoteJWKS({self.uri!r}, {held})"
