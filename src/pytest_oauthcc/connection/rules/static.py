"""Static rules: what can be known wrong about a connection without sending a request.

Each rule yields :class:`Finding` objects attributed to one of the nine steps; the
checker merges them with what the dynamic steps observe. The reason for each rule is in
the comment next to it and in docs/connections.md.

Layering: imports ``config/``, :mod:`mock_provider.protocol` and the standard library only;
never ``steps/``, httpx or the plugin.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from pytest_oauthcc.connection.config.loading import KeyPath, dotted
from pytest_oauthcc.connection.config.model import ConnectionConfig
from pytest_oauthcc.connection.config.placeholders import (
    Placeholder,
    PlaceholderError,
    find_placeholders,
    lookup,
)

from .client_auth import client_auth_findings
from .credential_text import credential_value_kind, names_a_credential
from .credentials import CREDENTIALS, credential_rules
from .domains import (
    domain_list_rules,
    url_rules,
)
from .findings import Finding, at
from .scopes import scope_rules

__all__ = ["static_findings"]

# Names providers or connector authors invent for the scope parameter; RFC 6749 §3.3 names
# it ``scope`` and nothing else.
_NONSTANDARD_SCOPE = {"scopes", "scp", "scope[]", "permissions", "roles"}
# Parameters the grant itself sends; repeating them in extra_params duplicates credentials.
_GRANT_PARAMS = {
    "grant_type",
    "client_id",
    "client_secret",
    "client_assertion",
    "client_assertion_type",
}
_TOKEN_MEMBERS = {"access_token", "refresh_token", "id_token"}
_PLACEHOLDER = re.compile(r"\{\{.*?\}\}")
_NAMESPACES_FOR = {  # which placeholder namespaces each top-level key may use
    "label": ("fields", "env", "test", "token"),
    "unique_id": ("fields", "env", "test", "token"),
    "environments": ("fields",),
}
_DEFAULT_NAMESPACES = ("fields", "env")
_CREDENTIAL_KEYS = {("token", c.key) for row in CREDENTIALS.values() for c in row}


def static_findings(config: ConnectionConfig, values: Mapping[str, str]) -> list[Finding]:
    """Every static rule's findings for ``config`` with field ``values``."""
    return [
        *_field_rules(config),
        *_reference_rules(config),
        *_token_rules(config),
        *client_auth_findings(config),
        *domain_list_rules(config),
        *url_rules(config, values),
        *_test_rules(config),
        *_request_default_rules(config),
        *_placement_rules(config),
        *scope_rules(config),
    ]


def _field_rules(config: ConnectionConfig) -> Iterator[Finding]:
    # RFC 6749 §2.2: "The client identifier is not a secret", so the field feeding
    # token.client_id is exempt even when its label says "Consumer Key" (Salesforce).
    client_id_fields = {
        p.path[0] for p in find_placeholders(config.token.client_id) if p.namespace == "fields"
    }
    for index, spec in enumerate(config.fields):
        key: KeyPath = ("fields", index)
        # A credential shown in clear text ends up in screenshots, logs and support tickets.
        looks_secret = names_a_credential(spec.key) or names_a_credential(spec.label)
        if not spec.secret and looks_secret and spec.key not in client_id_fields:
            yield at(
                config,
                (*key, "secret"),
                "fail",
                f"field {spec.key!r} ({spec.label}) looks like a credential; "
                "mark it secret: true so it is masked and never logged",
            )
        if spec.secret and (spec.default is not None or spec.example is not None):
            yield at(
                config,
                (*key, "default" if spec.default is not None else "example"),
                "fail",
                f"secret field {spec.key!r} has a value in the file; remove it (secrets stay "
                "out of repositories)",
            )
        if spec.options and spec.default is not None and spec.default not in spec.options:
            yield at(
                config,
                (*key, "default"),
                "fail",
                f"default {spec.default!r} is not one of the options {', '.join(spec.options)}",
            )
    yield from credential_rules(config)
    if config.environments:
        # The selector field (`environment_field`, default `environment`) chooses: each
        # option must name an environment and each environment must be selectable, or a
        # user can pick a dead choice.
        name = config.environment_field
        selector = config.field(name)
        names = set(config.environments)
        if selector is None:
            yield at(
                config,
                ("environments",),
                "fail",
                f"environments need a field {name!r} whose options are "
                f"{', '.join(sorted(names))}; add it, or name another field in environment_field",
            )
        elif not selector.options:
            yield at(
                config,
                ("environments",),
                "fail",
                f"field {name!r} chooses the environment but has no options; give it "
                f"options: [{', '.join(sorted(names))}]",
            )
        elif set(selector.options) != names:
            yield at(
                config,
                ("environments",),
                "fail",
                f"environment names {', '.join(sorted(names))} do not match the options "
                f"of field {name!r} ({', '.join(selector.options)})",
            )


def _reference_rules(config: ConnectionConfig) -> Iterator[Finding]:
    secret_fields = {f.key for f in config.fields if f.secret}
    env_keys = [set(env) for env in config.environments.values()]
    common_env = set.intersection(*env_keys) if env_keys else set()
    for key, template in config.templates():
        top = str(key[0])
        if top in ("fields", "name", "description", "allowed_domains", "version"):
            continue
        allowed = _NAMESPACES_FOR.get(top, _DEFAULT_NAMESPACES)
        is_credential = key in _CREDENTIAL_KEYS
        for ref in find_placeholders(template):
            yield from _check_reference(config, key, ref, allowed, common_env)
            # Secrets and tokens travel only in the token request (and the Authorization
            # header); anywhere else they leak into URLs, logs, labels and UIs.
            if is_credential or (top == "token" and key[1:2] == ("extra_params",)):
                continue
            if ref.namespace == "fields" and ref.path[0] in secret_fields:
                yield at(
                    config,
                    key,
                    "fail",
                    f"references the secret field {ref.path[0]!r}; secrets are sent only "
                    "in the token request",
                )
            if ref.namespace == "token" and ref.path[0] in _TOKEN_MEMBERS:
                yield at(
                    config,
                    key,
                    "fail",
                    f"references the token ({ref.name}); tokens go only in the "
                    "Authorization header",
                )


def _check_reference(
    config: ConnectionConfig,
    key: KeyPath,
    ref: Placeholder,
    allowed: tuple[str, ...],
    common_env: set[str],
) -> Iterator[Finding]:
    if ref.namespace not in allowed:
        yield at(
            config,
            key,
            "fail",
            f"{{{{ {ref.name} }}}} is not available here; {dotted(key[:1])} may use "
            f"{', '.join(allowed)}",
        )
    elif ref.namespace == "fields" and config.field(ref.path[0]) is None:
        if key in _CREDENTIAL_KEYS:
            return  # the fields step names the field to add (rules.credentials)
        known = ", ".join(f.key for f in config.fields)
        yield at(
            config,
            key,
            "fail",
            f"{{{{ {ref.name} }}}} does not resolve: no field {ref.path[0]!r} (fields: {known})",
        )
    elif ref.namespace == "env" and ref.path[0] not in common_env:
        where = "every environment" if config.environments else "an 'environments' section"
        yield at(
            config,
            key,
            "fail",
            f"{{{{ {ref.name} }}}} does not resolve: {ref.path[0]!r} must be set in {where}",
        )
    elif ref.namespace == "test" and config.mock_test_response is not None:
        try:
            lookup({"test": config.mock_test_response}, ref)
        except PlaceholderError as exc:
            yield at(config, key, "fail", f"{exc} (in mock.test_response)")


def _token_rules(config: ConnectionConfig) -> Iterator[Finding]:
    for name in config.token.extra_params:
        key: KeyPath = ("token", "extra_params", name)
        if name == "scope":
            # RFC 6749 §3.3: one `scope` parameter; declare it in token.scopes so it is
            # never sent twice or empty.
            yield at(config, key, "fail", "put scopes in token.scopes, not extra_params")
        elif name.lower() in _NONSTANDARD_SCOPE:
            yield at(
                config,
                key,
                "fail",
                f"{name!r} is not a standard parameter; RFC 6749 §3.3 sends scopes as "
                "'scope' (use token.scopes)",
            )
        elif name in _GRANT_PARAMS:
            yield at(
                config,
                key,
                "fail",
                f"{name!r} is sent by the grant itself (token.client_auth decides where "
                "credentials go); remove it to avoid duplicated credentials",
            )
    if config.token.renew_before >= config.token.default_expires_in:
        yield at(
            config,
            ("token", "renew_before"),
            "fail",
            f"renew_before ({config.token.renew_before}s) must be shorter than the token "
            f"lifetime ({config.token.default_expires_in}s), or every call renews",
        )
    if config.refresh is not None and config.refresh.grant_type == "refresh_token":
        # RFC 6749 §4.4.3: "A refresh token SHOULD NOT be included" for this grant.
        yield at(
            config,
            ("refresh", "grant_type"),
            "warn",
            "refresh tokens are unusual for client credentials (RFC 6749 §4.4.3); keep "
            "this only if the provider documents it",
        )


def _test_rules(config: ConnectionConfig) -> Iterator[Finding]:
    bad = [s for s in config.test.status if not 200 <= s < 300]
    if bad:
        # A test that accepts an error status cannot confirm the token works.
        yield at(
            config,
            ("test", "expect", "status"),
            "fail",
            f"expected statuses must be 2xx, got {', '.join(map(str, bad))}",
        )


def _request_default_rules(config: ConnectionConfig) -> Iterator[Finding]:
    # Defaults go on every API call, in clear, into every log and proxy on the way: a
    # credential there is a leaked credential. The token (token_placement) is the API's
    # credential; a secret the user gives belongs in a secret field, sent only to get it.
    defaults = config.request_defaults
    for where, items in (("query", defaults.query), ("headers", defaults.headers)):
        for name, template in items.items():
            key: KeyPath = ("request_defaults", where, name)
            literal = _PLACEHOLDER.sub(" ", template).split()
            kind = next(filter(None, map(credential_value_kind, literal)), None)
            if names_a_credential(name):
                yield at(
                    config,
                    key,
                    "fail",
                    f"{name!r} names a credential; request defaults are sent in clear with "
                    "every call, so remove it (the access token is the API credential)",
                )
            elif kind is not None:
                yield at(
                    config,
                    key,
                    "fail",
                    f"the value looks like {kind} written in the file; remove it (secrets "
                    "stay out of repositories and out of request defaults)",
                )


def _placement_rules(config: ConnectionConfig) -> Iterator[Finding]:
    data = config.document.data.get("token_placement", {})
    if data.get("in") != "query":
        name = config.token_placement.token_header.lower()
        clash = [h for h in config.request_defaults.headers if h.lower() == name]
        if clash:
            # A default under the token's header would overwrite the token, or the token it.
            yield at(
                config,
                ("request_defaults", "headers", clash[0]),
                "fail",
                f"{clash[0]} carries the token (token_placement); remove it from the defaults",
            )
        return
    if "prefix" in data:
        yield at(
            config,
            ("token_placement", "prefix"),
            "fail",
            "a prefix applies to a header only; remove it, or use in: header",
        )
    # RFC 6750 §2.3: the query method "SHOULD NOT be used unless it is impossible to
    # transport the access token in the "Authorization" request header field"; URLs are
    # kept in server logs, proxies and browser history.
    yield at(
        config,
        ("token_placement", "in"),
        "warn",
        "the token in the URL ends up in server and proxy logs (RFC 6750 §2.3 discourages "
        "it); use in: header if the API accepts one",
    )
