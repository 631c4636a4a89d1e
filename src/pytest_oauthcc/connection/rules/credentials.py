"""The credential fields: every credential the token request sends comes from a field the user
fills in, and that field is required (and secret, for a secret).

Which credentials a connection needs depends on how the client authenticates
(``token.client_auth``): :data:`CREDENTIALS` holds one row per method, so a new method (for
example ``private_key_jwt``, whose private key takes the secret's place) is one row.

Layering: imports ``config/`` and the standard library only; never ``steps/``, httpx or the
plugin.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from pytest_oauthcc.connection.config.loading import KeyPath
from pytest_oauthcc.connection.config.model import ConnectionConfig
from pytest_oauthcc.connection.config.placeholders import find_placeholders

from .findings import Finding, at

__all__ = ["CREDENTIALS", "Credential", "credential_rules"]


@dataclass(frozen=True)
class Credential:
    """One credential of the token request: the ``token`` key holding it and its field."""

    key: str  # under token: (``client_id``, ``client_secret``, ...)
    label: str  # what the user sees for the field (``Client Secret``)
    secret: bool  # whether its field must be ``secret: true``


_CLIENT_ID = Credential("client_id", "Client ID", secret=False)
_CLIENT_SECRET = Credential("client_secret", "Client Secret", secret=True)
_PRIVATE_KEY = Credential("private_key", "Private Key", secret=True)

#: ``token.client_auth`` -> the credentials a request of that method sends (RFC 6749 §2.3.1:
#: id and secret, in the Basic header or in the body; RFC 7523 §2.2: an assertion signed
#: with the secret, or with the private key, which takes the secret's place).
CREDENTIALS: dict[str, tuple[Credential, ...]] = {
    "basic": (_CLIENT_ID, _CLIENT_SECRET),
    "body": (_CLIENT_ID, _CLIENT_SECRET),
    "client_secret_basic": (_CLIENT_ID, _CLIENT_SECRET),
    "client_secret_post": (_CLIENT_ID, _CLIENT_SECRET),
    "client_secret_jwt": (_CLIENT_ID, _CLIENT_SECRET),
    "private_key_jwt": (_CLIENT_ID, _PRIVATE_KEY),
}


def _suggestion(cred: Credential) -> str:
    secret = ", secret: true" if cred.secret else ""
    return f"{{key: {cred.key}, label: {cred.label}, required: true{secret}}}"


def credential_rules(config: ConnectionConfig) -> Iterator[Finding]:
    """Findings about the fields that feed the token request's credentials (step 1)."""
    # The schema only admits client_auth values with a row here.
    for cred in CREDENTIALS.get(config.token.client_auth, ()):
        yield from _credential_rules(config, cred)


def _credential_rules(config: ConnectionConfig, cred: Credential) -> Iterator[Finding]:
    token_key: KeyPath = ("token", cred.key)
    # Read from the file itself, so a new row needs no new attribute of the typed model.
    written_value = config.document.data["token"].get(cred.key)
    written = isinstance(written_value, str)
    template = written_value if written else f"{{{{ fields.{cred.key} }}}}"
    where = f"token.{cred.key}" + ("" if written else f" (default {template})")
    refs = [p for p in find_placeholders(template) if p.namespace == "fields"]
    if not refs:
        if cred.secret:
            # Secrets stay out of repositories: the file names a field, the value comes
            # from the user (or OAUTHCC_<NAME>_<FIELD> in CI).
            yield at(
                config,
                token_key,
                "fail",
                "must be a {{ fields.KEY }} reference to a secret field, never a value "
                "written in the file",
            )
        else:
            # A value written in the file is one no user can change: every connection
            # made from this config would share one client.
            yield Finding(
                "fields",
                "fail",
                f"token.{cred.key} is written in the file, so it is not a field the user "
                f"can fill; add the field {_suggestion(cred)} and write "
                f"{cred.key}: '{{{{ fields.{cred.key} }}}}'",
                config.document.line(token_key),
            )
        return
    for ref in refs:
        source = config.field(ref.path[0])
        if source is None:
            # Without the field the token request cannot be built: say which field to add
            # here, where the user fills it in, instead of failing to render later.
            yield Finding(
                "fields",
                "fail",
                f"fields: no field {ref.path[0]!r} for {where}; add {_suggestion(cred)} to fields",
                config.document.line(token_key if written else ("fields",)),
            )
            continue
        if not source.required and source.default is None:
            yield at(
                config,
                ("fields",),
                "fail",
                f"field {source.key!r} feeds token.{cred.key}; mark it required: true",
            )
        if cred.secret and not source.secret:
            yield at(
                config,
                ("fields",),
                "fail",
                f"field {source.key!r} holds the {cred.label.lower()}; mark it secret: true",
            )
