"""The one exception base of ``pytest_oauthcc``; each part defines its errors under it.

The reference client's errors live here too, so ``except OAuthccError`` catches all of them.
An RFC 6749 §5.2 error answer is data (:class:`TokenEndpointError` carries ``error``,
``error_description``, ``error_uri`` and the HTTP status), and every client error says
whether retrying could help (``retryable``). No message contains a client secret or a token.

Layering: a leaf: the standard library only; every package of pytest_oauthcc may import it.
"""

from __future__ import annotations

__all__ = [
    "ClientConfigurationError",
    "ClientCredentialsError",
    "DisallowedHostError",
    "InvalidTokenResponseError",
    "OAuthccError",
    "RevocationError",
    "TokenEndpointError",
    "TokenEndpointUnavailableError",
    "TokenRequestError",
    "UnsupportedTokenTypeError",
]


class OAuthccError(Exception):
    """Base of every exception raised by pytest_oauthcc (client, connection configs, plugin).

    Messages never contain a client secret or a token (a short fingerprint at most).
    """


class ClientCredentialsError(OAuthccError):
    """Base of every error raised by :class:`pytest_oauthcc.ClientCredentials`."""


class ClientConfigurationError(ClientCredentialsError, ValueError):
    """The client was configured in a way that cannot work or would be unsafe
    (a plain-HTTP token URL, a malformed scope, a reserved extra parameter, ...)."""


class DisallowedHostError(ClientCredentialsError):
    """A request was about to carry the token to a host outside ``allowed_hosts``, or over
    plain HTTP; it was refused before anything was sent.

    Attributes:
        host: the host the request was for.
    """

    def __init__(self, message: str, *, host: str) -> None:
        super().__init__(message)
        self.host = host


class TokenRequestError(ClientCredentialsError):
    """Getting a token failed.

    Attributes:
        status: the HTTP status of the last answer, or ``None`` when there was none
            (a network error).
        retryable: whether the failure is transient (retried within the retry budget).
        retry_after: the seconds the provider asked the client to wait, if it did.
        attempts: how many token requests were made before giving up (set by the client).
    """

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        retryable: bool = False,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.retryable = retryable
        self.retry_after = retry_after
        self.attempts = 0


class TokenEndpointError(TokenRequestError):
    """The token endpoint answered with an RFC 6749 §5.2 error (``{"error": ...}``), with
    any status, including a 200 whose body carries ``error``.

    Terminal codes (``invalid_client``, ``invalid_scope``, ``unauthorized_client``,
    ``unsupported_grant_type``, ``invalid_request``, ``invalid_grant``) are raised at once;
    ``temporarily_unavailable`` and ``server_error`` are retried first.

    Attributes:
        error, error_description, error_uri: the §5.2 members (``None`` when absent).
    """

    def __init__(
        self,
        message: str,
        *,
        error: str,
        error_description: str | None = None,
        error_uri: str | None = None,
        status: int | None = None,
        retryable: bool = False,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, status=status, retryable=retryable, retry_after=retry_after)
        self.error = error
        self.error_description = error_description
        self.error_uri = error_uri


class TokenEndpointUnavailableError(TokenRequestError):
    """The token endpoint could not be reached, or answered 429 or 5xx without an OAuth
    error, and the retry budget ran out (or ``Retry-After`` asked for longer than the cap)."""


class InvalidTokenResponseError(TokenRequestError):
    """The token endpoint answered 2xx but the body is not a usable token response:
    not JSON or form-encoded, no ``access_token``, an unreadable ``expires_in``, ..."""


class UnsupportedTokenTypeError(InvalidTokenResponseError):
    """The token response names a ``token_type`` other than Bearer (RFC 6749 §7.1: "The
    client MUST NOT use an access token if it does not understand the token type")."""


class RevocationError(ClientCredentialsError):
    """The RFC 7009 revocation endpoint refused the request or could not be reached.

    Attributes:
        status: the HTTP status, or ``None`` for a network error.
        error: the RFC 7009 §2.2.1 / RFC 6749 §5.2 ``error`` code, if the body had one.
    """

    def __init__(self, message: str, *, status: int | None, error: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.error = error
