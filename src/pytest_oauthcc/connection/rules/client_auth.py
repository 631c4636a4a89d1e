"""Static rules of the client's authentication method (``token.client_auth``), chiefly
``private_key_jwt``: a private key is never written in the file, and the token keys of one
method are not set for another. (Which fields feed the credentials, the private key in the
client secret's place, is :data:`.credentials.CREDENTIALS`.)

Layering: imports ``config/`` and the standard library only; never ``steps/``, httpx or the
plugin.
"""

from __future__ import annotations

from collections.abc import Iterator

from pytest_oauthcc.connection.config.keys import PEM_MARK
from pytest_oauthcc.connection.config.model import ConnectionConfig

from .findings import Finding, at

__all__ = ["client_auth_findings"]

# Token keys that mean something only with some methods (RFC 7523 §2.2's two JWT methods).
_ONLY_WITH = {
    "private_key": ("private_key_jwt",),
    "key_id": ("private_key_jwt",),
    "assertion_alg": ("client_secret_jwt", "private_key_jwt"),
    "assertion_audience": ("client_secret_jwt", "private_key_jwt"),
}
_HMAC = ("HS256", "HS384", "HS512")


def client_auth_findings(config: ConnectionConfig) -> Iterator[Finding]:
    """Every finding about how the connection authenticates its client."""
    yield from _written_keys(config)
    yield from _unused_keys(config)


def _written_keys(config: ConnectionConfig) -> Iterator[Finding]:
    # A key in the file is a key in the repository, its history and every clone: whoever
    # reads it can sign as the client. It comes from the user or OAUTHCC_<NAME>_<FIELD>.
    for key, text in config.templates():
        if PEM_MARK in text or ('"d"' in text and '"kty"' in text):
            yield at(
                config,
                key,
                "fail",
                "holds a private key; keys stay out of repositories: reference a secret "
                "field ({{ fields.private_key }}) and give its value in the environment",
            )


def _unused_keys(config: ConnectionConfig) -> Iterator[Finding]:
    token, written = config.token, config.document.data.get("token", {})
    for name, methods in _ONLY_WITH.items():
        if name in written and token.auth_method not in methods:
            yield at(
                config,
                ("token", name),
                "fail",
                f"is used only with client_auth {' or '.join(methods)}, not "
                f"{token.client_auth}; remove it or change client_auth",
            )
    if "client_secret" in written and token.auth_method == "private_key_jwt":
        yield at(
            config,
            ("token", "client_secret"),
            "fail",
            "private_key_jwt sends no client secret (the assertion is signed with "
            "token.private_key); remove it",
        )
    alg = token.assertion_alg
    if alg is not None and "assertion_alg" in written:
        # OpenID Connect Core §9: client_secret_jwt is HMAC with the secret, private_key_jwt
        # a signature with the client's private key.
        hmac = token.auth_method == "client_secret_jwt"
        if hmac != (alg in _HMAC):
            wanted = "HS256, HS384 or HS512" if hmac else "an RS, PS, ES or EdDSA algorithm"
            yield at(
                config,
                ("token", "assertion_alg"),
                "fail",
                f"{token.client_auth} signs with {wanted}, not {alg}",
            )
