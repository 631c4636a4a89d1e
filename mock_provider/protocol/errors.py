"""Errors of the mock provider: one base for Python-level misuse, and OAuth errors as data.

An :class:`OAuthError` is not a crash: it is a refusal the provider renders as the RFC says
(status, JSON body, ``Cache-Control: no-store``, a ``WWW-Authenticate`` challenge where one is
due). Protocol modules raise them; the HTTP layer renders them.

Layering: pure; imports only the standard library.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

__all__ = [
    "BearerError",
    "InvalidClientError",
    "MockProviderError",
    "OAuthError",
    "sanitize_description",
]

_NO_STORE = (("Cache-Control", "no-store"), ("Pragma", "no-cache"))

# RFC 6749 §5.2: error_description "MUST NOT include characters outside the set
# %x20-21 / %x23-5B / %x5D-7E" (printable ASCII without '"' and '\').
_DESCRIPTION_FORBIDDEN = re.compile(r"[^\x20-\x21\x23-\x5b\x5d-\x7e]")
# RFC 6749 §5.2: error "MUST NOT include characters outside the set %x20-21 / %x23-5B / %x5D-7E".
_ERROR_CODE = re.compile(r"[\x20-\x21\x23-\x5b\x5d-\x7e]+")


def sanitize_description(text: str) -> str:
    """Make ``text`` a valid RFC 6749 §5.2 ``error_description`` (printable ASCII, no ``"``/``\\``).

    Disallowed characters become ``?``; a double quote becomes a single quote so that
    quoted names stay readable, and ``§`` becomes ``section ``.
    """
    # Descriptions cite RFC sections; "§" is outside the alphabet, so it is spelled out.
    text = text.replace("§", "section ").replace('"', "'")
    return _DESCRIPTION_FORBIDDEN.sub("?", text)


class MockProviderError(Exception):
    """Base of every exception the mock provider raises for misuse of its Python API."""


class OAuthError(MockProviderError):
    """An OAuth 2.0 error response (RFC 6749 §5.2, RFC 7009 §2.2.1, RFC 7662, RFC 8707).

    Args:
        error: the error code, e.g. ``"invalid_client"``.
        description: a human-readable explanation; sanitised to the RFC 6749 §5.2 alphabet.
            Never put a secret or token here.
        status: the HTTP status (400 unless the RFC says otherwise).
        headers: extra response headers, e.g. ``WWW-Authenticate``.
        error_uri: optional ``error_uri`` member.
    """

    def __init__(
        self,
        error: str,
        description: str | None = None,
        *,
        status: int = 400,
        headers: Mapping[str, str] | None = None,
        error_uri: str | None = None,
    ) -> None:
        if not _ERROR_CODE.fullmatch(error):
            raise ValueError(f"not a valid RFC 6749 §5.2 error code: {error!r}")
        self.error = error
        self.description = sanitize_description(description) if description else None
        self.status = status
        self.headers = dict(headers or {})
        self.error_uri = error_uri
        super().__init__(f"{error}: {self.description}" if self.description else error)

    def body(self) -> dict[str, str]:
        """The JSON members of the error response."""
        body = {"error": self.error}
        if self.description:
            body["error_description"] = self.description
        if self.error_uri:
            body["error_uri"] = self.error_uri
        return body

    def render(self) -> tuple[int, list[tuple[str, str]], bytes]:
        """Return ``(status, headers, body)`` as the RFC prescribes for this error."""
        headers = [("Content-Type", "application/json"), *_NO_STORE, *self.headers.items()]
        return self.status, headers, json.dumps(self.body()).encode()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.error!r}, {self.description!r}, status={self.status})"


class BearerError(OAuthError):
    """An RFC 6750 §3 error from a protected resource, with its ``WWW-Authenticate`` challenge.

    With ``error=None`` it is the bare challenge of §3.1 for a request that carried no
    credentials: 401, ``WWW-Authenticate: Bearer realm="..."`` and no error code.
    ``resource_metadata`` is the RFC 9728 metadata URL the challenge points clients to.
    """

    def __init__(
        self,
        error: str | None,
        description: str | None = None,
        *,
        status: int,
        realm: str,
        scope: str | None = None,
        resource_metadata: str | None = None,
    ) -> None:
        params = [f'realm="{_quote(realm)}"']
        if error:
            params.append(f'error="{error}"')
        if error and description:
            params.append(f'error_description="{_quote(sanitize_description(description))}"')
        if scope:
            params.append(f'scope="{_quote(scope)}"')
        if resource_metadata:
            # RFC 9728 §5.1: "resource_metadata: The URL of the protected resource metadata",
            # an auth-param of the challenge (a URL holds no '"' or '\\' to escape).
            params.append(f'resource_metadata="{_quote(resource_metadata)}"')
        challenge = "Bearer " + ", ".join(params)
        super().__init__(
            error or "unauthorized",
            description,
            status=status,
            headers={"WWW-Authenticate": challenge},
        )
        self.bare = error is None
        self.scope = scope

    def body(self) -> dict[str, str]:
        """The JSON body; a bare challenge (no credentials sent) carries no error code."""
        if self.bare:
            # §3.1: no error code when the request carried no credentials; the description
            # still tells a person what to send.
            return {"error_description": self.description} if self.description else {}
        body = super().body()
        if self.scope:
            body["scope"] = self.scope
        return body


class InvalidClientError(OAuthError):
    """RFC 6749 §5.2 ``invalid_client``: 401 with a ``Basic`` challenge (the one place the
    challenge is built).

    §5.2 requires the 401 and challenge when the client used the Authorization header; we
    send them for every ``invalid_client`` because RFC 9110 §15.5.2 says a 401 MUST carry
    ``WWW-Authenticate``, and strict providers (Okta, Keycloak) answer 401 in all cases.
    """

    def __init__(self, description: str | None = None, *, realm: str) -> None:
        super().__init__(
            "invalid_client",
            description,
            status=401,
            headers={"WWW-Authenticate": f'Basic realm="{_quote(realm)}", charset="UTF-8"'},
        )


def _quote(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"')
