"""Static rules: what can be known wrong about a connection without sending a request.

Each rule yields :class:`Finding` objects attributed to one of the nine steps; the
checker merges them with what the dynamic steps observe. The reason for each rule is in
the comment next to it and in docs/connections.md.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from .loading import KeyPath, dotted
from .model import ConnectionConfig
from .placeholders import Placeholder, PlaceholderError, find_placeholders, lookup, render
from .schema import STEP_OF_KEY

__all__ = ["Finding", "domain_allowed", "environment_contexts", "is_loopback", "static_findings"]

# Words that make a field look like a credential (key or label).
_SECRET_WORDS = re.compile(
    r"secret|passw(or)?d|passphrase|token|credential|private|api[\s_-]?key|(^|[\s_-])key$",
    re.IGNORECASE,
)
# Names providers or connector authors invent for the scope parameter; RFC 6749 §3.3 names
# it ``scope`` and nothing else.
_NONSTANDARD_SCOPE = {"scopes", "scp", "scope[]", "permissions", "roles"}
# Parameters the grant itself sends; repeating them in extra_params duplicates credentials.
_GRANT_PARAMS = {"grant_type", "client_id", "client_secret", "client_assertion"}
_TOKEN_MEMBERS = {"access_token", "refresh_token", "id_token"}
_NAMESPACES_FOR = {  # which placeholder namespaces each top-level key may use
    "label": ("fields", "env", "test", "token"),
    "unique_id": ("fields", "env", "test", "token"),
    "environments": ("fields",),
}
_DEFAULT_NAMESPACES = ("fields", "env")


@dataclass(frozen=True)
class Finding:
    """A rule's verdict about one step: ``fail`` or ``warn`` with a reason and a line."""

    step: str
    status: str
    reason: str
    line: int | None = None


def is_loopback(host: str) -> bool:
    """``localhost`` or a loopback IP address (where plain HTTP cannot leak anything)."""
    if host.lower() == "localhost" or host.lower().endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def domain_allowed(host: str, allowed: tuple[str, ...]) -> bool:
    """Whether ``host`` matches an entry: exact host, or ``*.x`` for subdomains of x only."""
    host = host.lower().rstrip(".")
    for entry in allowed:
        entry = entry.lower().rstrip(".")
        if entry.startswith("*."):
            if host.endswith(entry[1:]) and host != entry[2:]:
                return True
        elif host == entry:
            return True
    return False


def environment_contexts(
    config: ConnectionConfig, values: Mapping[str, str]
) -> list[tuple[str | None, dict[str, Any]]]:
    """One placeholder context per environment (or one without ``env``)."""
    if not config.environments:
        return [(None, {"fields": dict(values)})]
    out: list[tuple[str | None, dict[str, Any]]] = []
    for name, raw in config.environments.items():
        env = {}
        for key, template in raw.items():
            try:
                env[key] = render(template, {"fields": values})
            except PlaceholderError:
                env[key] = template
        out.append((name, {"fields": dict(values), "env": env}))
    return out


def static_findings(config: ConnectionConfig, values: Mapping[str, str]) -> list[Finding]:
    """Every static rule's findings for ``config`` with field ``values``."""
    return [
        *_field_rules(config),
        *_reference_rules(config),
        *_token_rules(config),
        *_domain_list_rules(config),
        *_url_rules(config, values),
        *_test_rules(config),
    ]


def _at(config: ConnectionConfig, key: KeyPath, status: str, reason: str) -> Finding:
    step = STEP_OF_KEY.get(str(key[0]), "fields") if key else "fields"
    return Finding(step, status, f"{dotted(key)}: {reason}", config.document.line(key))


def _field_rules(config: ConnectionConfig) -> Iterator[Finding]:
    # RFC 6749 §2.2: "The client identifier is not a secret", so the field feeding
    # token.client_id is exempt even when its label says "Consumer Key" (Salesforce).
    client_id_fields = {
        p.path[0] for p in find_placeholders(config.token.client_id) if p.namespace == "fields"
    }
    for index, spec in enumerate(config.fields):
        key: KeyPath = ("fields", index)
        # A credential shown in clear text ends up in screenshots, logs and support tickets.
        if spec.key in client_id_fields:
            continue
        if not spec.secret and (_SECRET_WORDS.search(spec.key) or _SECRET_WORDS.search(spec.label)):
            yield _at(
                config,
                (*key, "secret"),
                "fail",
                f"field {spec.key!r} ({spec.label}) looks like a credential; "
                "mark it secret: true so it is masked and never logged",
            )
        if spec.secret and (spec.default is not None or spec.example is not None):
            yield _at(
                config,
                (*key, "default" if spec.default is not None else "example"),
                "fail",
                f"secret field {spec.key!r} has a value in the file; remove it (secrets stay "
                "out of repositories)",
            )
        if spec.options and spec.default is not None and spec.default not in spec.options:
            yield _at(
                config,
                (*key, "default"),
                "fail",
                f"default {spec.default!r} is not one of the options {', '.join(spec.options)}",
            )
    for needed in ("client_id", "client_secret"):
        template = getattr(config.token, needed)
        refs = [p for p in find_placeholders(template) if p.namespace == "fields"]
        if needed == "client_secret" and not refs:
            # Secrets stay out of repositories: the file names a field, the value comes
            # from the user (or OAUTHCC_<NAME>_<FIELD> in CI).
            yield _at(
                config,
                ("token", "client_secret"),
                "fail",
                "must be a {{ fields.KEY }} reference to a secret field, never a value "
                "written in the file",
            )
        for ref in refs:
            source = config.field(ref.path[0])
            if source is not None and not source.required and source.default is None:
                yield _at(
                    config,
                    ("fields",),
                    "fail",
                    f"field {source.key!r} feeds token.{needed}; mark it required: true",
                )
            if needed == "client_secret" and source is not None and not source.secret:
                yield _at(
                    config,
                    ("fields",),
                    "fail",
                    f"field {source.key!r} holds the client secret; mark it secret: true",
                )
    if config.environments:
        # The environment field is the selector: each option must name an environment and
        # each environment must be selectable, or a user can pick a dead choice.
        selector = config.field("environment")
        names = set(config.environments)
        if selector is None or not selector.options:
            yield _at(
                config,
                ("environments",),
                "fail",
                "environments need a field 'environment' whose options are "
                f"{', '.join(sorted(names))}",
            )
        elif set(selector.options) != names:
            yield _at(
                config,
                ("environments",),
                "fail",
                f"environment names {', '.join(sorted(names))} do not match the options "
                f"of field 'environment' ({', '.join(selector.options)})",
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
        is_credential = key in (("token", "client_id"), ("token", "client_secret"))
        for ref in find_placeholders(template):
            yield from _check_reference(config, key, ref, allowed, common_env)
            # Secrets and tokens travel only in the token request (and the Authorization
            # header); anywhere else they leak into URLs, logs, labels and UIs.
            if is_credential or (top == "token" and key[1:2] == ("extra_params",)):
                continue
            if ref.namespace == "fields" and ref.path[0] in secret_fields:
                yield _at(
                    config,
                    key,
                    "fail",
                    f"references the secret field {ref.path[0]!r}; secrets are sent only "
                    "in the token request",
                )
            if ref.namespace == "token" and ref.path[0] in _TOKEN_MEMBERS:
                yield _at(
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
        yield _at(
            config,
            key,
            "fail",
            f"{{{{ {ref.name} }}}} is not available here; {dotted(key[:1])} may use "
            f"{', '.join(allowed)}",
        )
    elif ref.namespace == "fields" and config.field(ref.path[0]) is None:
        known = ", ".join(f.key for f in config.fields)
        yield _at(
            config,
            key,
            "fail",
            f"{{{{ {ref.name} }}}} does not resolve: no field {ref.path[0]!r} (fields: {known})",
        )
    elif ref.namespace == "env" and ref.path[0] not in common_env:
        where = "every environment" if config.environments else "an 'environments' section"
        yield _at(
            config,
            key,
            "fail",
            f"{{{{ {ref.name} }}}} does not resolve: {ref.path[0]!r} must be set in {where}",
        )
    elif ref.namespace == "test" and config.mock_test_response is not None:
        try:
            lookup({"test": config.mock_test_response}, ref)
        except PlaceholderError as exc:
            yield _at(config, key, "fail", f"{exc} (in mock.test_response)")


def _token_rules(config: ConnectionConfig) -> Iterator[Finding]:
    for name in config.token.extra_params:
        key: KeyPath = ("token", "extra_params", name)
        if name == "scope":
            # RFC 6749 §3.3: one `scope` parameter; declare it in token.scopes so it is
            # never sent twice or empty.
            yield _at(config, key, "fail", "put scopes in token.scopes, not extra_params")
        elif name.lower() in _NONSTANDARD_SCOPE:
            yield _at(
                config,
                key,
                "fail",
                f"{name!r} is not a standard parameter; RFC 6749 §3.3 sends scopes as "
                "'scope' (use token.scopes)",
            )
        elif name in _GRANT_PARAMS:
            yield _at(
                config,
                key,
                "fail",
                f"{name!r} is sent by the grant itself (token.client_auth decides where "
                "credentials go); remove it to avoid duplicated credentials",
            )
    if config.token.renew_before >= config.token.default_expires_in:
        yield _at(
            config,
            ("token", "renew_before"),
            "fail",
            f"renew_before ({config.token.renew_before}s) must be shorter than the token "
            f"lifetime ({config.token.default_expires_in}s), or every call renews",
        )
    if config.refresh is not None and config.refresh.grant_type == "refresh_token":
        # RFC 6749 §4.4.3: "A refresh token SHOULD NOT be included" for this grant.
        yield _at(
            config,
            ("refresh", "grant_type"),
            "warn",
            "refresh tokens are unusual for client credentials (RFC 6749 §4.4.3); keep "
            "this only if the provider documents it",
        )


def _url_keys(config: ConnectionConfig) -> Iterator[tuple[KeyPath, str]]:
    yield ("token", "url"), config.token.url
    if config.refresh is not None:
        yield ("refresh", "url"), config.refresh.url
    if config.revoke is not None:
        yield ("revoke", "url"), config.revoke.url
    yield ("test", "url"), config.test.url


def _url_rules(config: ConnectionConfig, values: Mapping[str, str]) -> Iterator[Finding]:
    seen: set[tuple[KeyPath, str]] = set()
    for env_name, context in environment_contexts(config, values):
        for key, template in _url_keys(config):
            try:
                url = render(template, context)
            except PlaceholderError:
                continue  # reported by the reference rules
            parts = urlsplit(url)
            where = f" (environment {env_name})" if env_name else ""
            host = parts.hostname or ""
            if (key, url) in seen:
                continue
            seen.add((key, url))
            if not host or parts.scheme not in ("http", "https"):
                yield _at(config, key, "fail", f"{url!r}{where} is not an absolute http(s) URL")
                continue
            # RFC 6749 §2.3.1 / §3.2: credentials and tokens require TLS; plain HTTP is
            # accepted only on loopback, where nothing crosses a network.
            if parts.scheme != "https" and not is_loopback(host):
                yield _at(config, key, "fail", f"{url}{where} must use HTTPS (RFC 6749 §3.2)")
            # A leaked token can only be used where the connection is allowed to send it.
            if not domain_allowed(host, config.allowed_domains):
                yield Finding(
                    "allowed_domains",
                    "fail",
                    f"{host}{where} ({dotted(key)}) is not covered by allowed_domains",
                    config.document.line(("allowed_domains",)),
                )


def _test_rules(config: ConnectionConfig) -> Iterator[Finding]:
    bad = [s for s in config.test.status if not 200 <= s < 300]
    if bad:
        # A test that accepts an error status cannot confirm the token works.
        yield _at(
            config,
            ("test", "expect", "status"),
            "fail",
            f"expected statuses must be 2xx, got {', '.join(map(str, bad))}",
        )


def _domain_list_rules(config: ConnectionConfig) -> Iterator[Finding]:
    for index, entry in enumerate(config.allowed_domains):
        key: KeyPath = ("allowed_domains", index)
        if entry == "*" or (entry.startswith("*") and not entry.startswith("*.")):
            yield _at(
                config,
                key,
                "fail",
                f"{entry!r} allows every host; list the exact hosts (or *.domain)",
            )
        elif "/" in entry or ":" in entry or "*" in entry[1:]:
            yield _at(
                config,
                key,
                "fail",
                f"{entry!r} must be a host name (no scheme, port, path or inner '*')",
            )
