"""Hosts and URLs: HTTPS except loopback, and ``allowed_domains`` coverage and syntax.

Layering: imports ``config/``, :mod:`mock_provider.protocol` and the standard library only;
never ``steps/``, httpx or the plugin.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

from mock_provider.protocol import is_loopback
from pytest_oauthcc.connection.config.loading import KeyPath, dotted
from pytest_oauthcc.connection.config.model import ConnectionConfig
from pytest_oauthcc.connection.config.placeholders import PlaceholderError, render

from .findings import Finding, at
from .suffixes import public_suffix_problem

__all__ = [
    "domain_allowed",
    "domain_list_rules",
    "environment_contexts",
    "url_rules",
]


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


def _url_keys(config: ConnectionConfig) -> Iterator[tuple[KeyPath, str]]:
    yield ("token", "url"), config.token.url
    if config.refresh is not None:
        yield ("refresh", "url"), config.refresh.url
    if config.revoke is not None:
        yield ("revoke", "url"), config.revoke.url
    yield ("test", "url"), config.test.url


def url_rules(config: ConnectionConfig, values: Mapping[str, str]) -> Iterator[Finding]:
    """HTTPS and allowed_domains coverage for every URL, in every environment."""
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
                yield at(config, key, "fail", f"{url!r}{where} is not an absolute http(s) URL")
                continue
            # RFC 6749 §2.3.1 / §3.2: credentials and tokens require TLS; plain HTTP is
            # accepted only on loopback, where nothing crosses a network.
            if parts.scheme != "https" and not is_loopback(host):
                yield at(config, key, "fail", f"{url}{where} must use HTTPS (RFC 6749 §3.2)")
            # A leaked token can only be used where the connection is allowed to send it.
            if not domain_allowed(host, config.allowed_domains):
                yield Finding(
                    "allowed_domains",
                    "fail",
                    f"{host}{where} ({dotted(key)}) is not covered by allowed_domains",
                    config.document.line(("allowed_domains",)),
                )


def domain_list_rules(config: ConnectionConfig) -> Iterator[Finding]:
    """Each allowed_domains entry is a host or ``*.domain``; a bare ``*`` and a wildcard over a
    public suffix (``*.com``, ``*.co.uk``) or a special-use name (``*.example``) are refused."""
    for index, entry in enumerate(config.allowed_domains):
        key: KeyPath = ("allowed_domains", index)
        if entry == "*" or (entry.startswith("*") and not entry.startswith("*.")):
            yield at(
                config,
                key,
                "fail",
                f"{entry!r} allows every host; list the exact hosts (or *.domain)",
            )
        elif "/" in entry or ":" in entry or "*" in entry[1:]:
            yield at(
                config,
                key,
                "fail",
                f"{entry!r} must be a host name (no scheme, port, path or inner '*')",
            )
        elif (problem := public_suffix_problem(entry)) is not None:
            # A wildcard over a public suffix allows every domain registered under it.
            yield at(config, key, "fail", problem)
