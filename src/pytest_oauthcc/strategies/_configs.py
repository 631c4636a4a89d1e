"""``connection_configs()`` and ``broken_connection_configs()``.

Valid configs pass the loader, the schema and every static rule, in YAML, JSON and TOML,
with the optional parts (revoke, environments, request defaults, nested token paths, JWT
access tokens) switched on and off, and every client authentication method (RFC 7523's two
JWT methods included). A broken config is a valid one with exactly one thing changed, paired
with the step that must catch it; the breakages are the mistakes connector authors make.

Layering: imports Hypothesis, PyYAML and what :mod:`mock_provider` exports; never the plugin
(the connection format only inside runnable examples, and the scope rule a valid config
must pass, imported when a scope is drawn so there is one definition of it).
"""

from __future__ import annotations

import string
from collections.abc import Callable, Iterable
from typing import Any

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from ._config_files import FORMATS, BrokenConfig, ConfigFile
from ._credentials import scope_sets, scopes
from ._validation import check_choices

__all__ = ["BREAKAGES", "broken_connection_configs", "connection_configs"]

_LABEL = st.text(string.ascii_lowercase + string.digits, min_size=1, max_size=8).map(
    lambda s: "a" + s  # a host label starts with a letter
)
_NAME = st.text(string.ascii_letters + string.digits + " -", min_size=1, max_size=24).filter(
    lambda s: bool(s.strip())
)


def _config_scope(scope: str) -> bool:
    """Text that cannot be read as a {{ placeholder }}, and no wildcard or all-powerful
    scope (which fails the least-privilege rule)."""
    from pytest_oauthcc.connection.rules.scopes import all_powerful

    # A placeholder brace pair in either direction is a template error in a config value.
    return "{{" not in scope and "}}" not in scope and all_powerful(scope) is None


_CONFIG_SCOPES = scope_sets(elements=scopes().filter(_config_scope), max_size=3)


# Every token.client_auth: the format's first names, the RFC 8414 names, and RFC 7523 §2.2's
# two JWT methods (shrinking goes towards "basic").
CLIENT_AUTHS = (
    "basic",
    "body",
    "client_secret_basic",
    "client_secret_post",
    "client_secret_jwt",
    "private_key_jwt",
)
# Key types mock mode makes up quickly (an RSA key takes ~100x longer, so it is drawn rarely).
_KEY_ALGS = (None, "ES256", "EdDSA", "ES384", "RS256")


def _jwt_client_auth(
    draw: st.DrawFn, token: dict[str, Any], fields: list[dict[str, Any]], domain: str
) -> None:
    """The keys a JWT method takes: the private key (a secret field in the client secret's
    place), a ``kid``, the algorithm and the audience, each sometimes left to its default."""
    method = token["client_auth"]
    if method not in ("client_secret_jwt", "private_key_jwt"):
        return
    if method == "private_key_jwt":
        fields[1] = {
            "key": "private_key",
            "label": "Private key (PEM)",
            "required": True,
            "secret": True,
        }
        if draw(st.booleans()):
            fields.append({"key": "key_id", "label": "Key ID", "required": True, "example": "k1"})
            token["key_id"] = "{{ fields.key_id }}"
        alg = draw(st.sampled_from(_KEY_ALGS))
    else:
        alg = draw(st.sampled_from((None, "HS256", "HS384", "HS512")))
    if alg is not None:
        token["assertion_alg"] = alg
    # Real providers take the token URL (the default) or their issuer as the audience;
    # Auth0 wants the issuer with its trailing slash.
    audience = draw(st.sampled_from((None, f"https://auth.{domain}", f"https://auth.{domain}/")))
    if audience is not None:
        token["assertion_audience"] = audience


@st.composite
def _valid(draw: st.DrawFn, formats: tuple[str, ...]) -> ConfigFile:
    fmt = draw(st.sampled_from(formats))
    domain = f"{draw(_LABEL)}.{draw(st.sampled_from(('com', 'test', 'io')))}"
    envs = draw(st.booleans())
    api = "{{ env.api }}" if envs else f"api.{domain}"
    fields: list[dict[str, Any]] = [
        {"key": "client_id", "label": "Client ID", "required": True},
        {"key": "client_secret", "label": "Client secret", "required": True, "secret": True},
    ]
    if draw(st.booleans()):
        fields[0]["help"] = "Settings > API > Client ID"
        fields[0]["example"] = "demo-client"
    data: dict[str, Any] = {"version": 1, "name": draw(_NAME), "fields": fields}
    if envs:
        fields.append(
            {"key": "environment", "label": "Environment", "options": ["prod", "sandbox"]}
        )
        data["environments"] = {
            "prod": {"api": f"api.{domain}"},
            "sandbox": {"api": f"sandbox.{domain}"},
        }
    lifetime = draw(st.integers(2, 86_400))
    token: dict[str, Any] = {
        "url": f"https://auth.{domain}/oauth/token",
        "client_auth": draw(st.sampled_from(CLIENT_AUTHS)),
        "renew_before": draw(st.integers(0, lifetime - 1)),
        "token_format": draw(st.sampled_from(("opaque", "jwt"))),
    }
    _jwt_client_auth(draw, token, fields, domain)
    granted = draw(_CONFIG_SCOPES)
    if granted:
        token["scopes"] = list(granted)
    if draw(st.booleans()):
        token["extra_params"] = {"audience": f"https://{api}"}
    nested = draw(st.booleans())
    response: dict[str, Any] = {"default_expires_in": lifetime}
    if nested:
        response.update(access_token="data.access_token", expires_in="data.expires_in")
    elif fmt != "toml" and draw(st.booleans()):
        response["expires_in"] = None  # a provider that sends no lifetime (no null in TOML)
    token["response"] = response
    data["token"] = token
    if draw(st.booleans()):
        data["revoke"] = {"url": f"https://auth.{domain}/oauth/revoke"}
    account = {"id": draw(_LABEL), "name": draw(_NAME)}
    data["test"] = {
        "url": f"https://{api}/v1/me",
        "method": draw(st.sampled_from(("GET", "POST"))),
        "expect": {
            "status": [200],
            "body_has": draw(st.sampled_from(([], ["id"], ["id", "name"]))),
        },
    }
    data["label"] = draw(st.sampled_from(("{{ test.name }}", "Account {{ fields.client_id }}")))
    wildcard = envs or draw(st.booleans())
    data["allowed_domains"] = [f"*.{domain}"] if wildcard else [f"auth.{domain}", f"api.{domain}"]
    data["unique_id"] = draw(st.sampled_from(("{{ test.id }}", "{{ fields.client_id }}")))
    if draw(st.booleans()):
        data["request_defaults"] = {
            "headers": {"Accept": "application/json"},
            "query": {"api-version": "2024-06-01"},
        }
    data["mock"] = {"test_response": account}
    return ConfigFile(data, fmt)


def connection_configs(*, formats: Iterable[str] = FORMATS) -> SearchStrategy[ConfigFile]:
    """Valid connection files: they load, and every static rule and step passes.

    Args:
        formats: which of ``yaml``, ``json``, ``toml`` to write.

    Raises:
        InvalidArgument: for an unknown format.

    Example::

        import tempfile
        from hypothesis import given
        from pytest_oauthcc.connection.config.model import load_config
        from pytest_oauthcc.strategies import connection_configs

        @given(connection_configs(formats=["toml"]))
        def test_generated_toml_configs_load(config_file):
            with tempfile.TemporaryDirectory() as directory:
                config = load_config(config_file.write(directory))
            assert config.name == config_file.data["name"]
    """
    return _valid(check_choices(formats, "formats", FORMATS, what="formats"))


Change = Callable[[dict[str, Any]], None]


def _set(path: str, value: Any) -> Change:
    *parents, last = path.split(".")

    def change(data: dict[str, Any]) -> None:
        node = data
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = value

    return change


def _drop(key: str) -> Change:
    def change(data: dict[str, Any]) -> None:
        del data[key]

    return change


def _secret_visible(data: dict[str, Any]) -> None:
    data["fields"][1]["secret"] = False  # the client secret, or private_key_jwt's key


def _showing_secret(path: str, make: Callable[[str], Any]) -> Change:
    """Set ``path`` to ``make(reference)``, the reference naming the connection's secret
    field (``client_secret``, or ``private_key`` for ``private_key_jwt``)."""

    def change(data: dict[str, Any]) -> None:
        key = data["fields"][1]["key"]
        _set(path, make("{{ fields." + key + " }}"))(data)

    return change


# Not a key: it only has to look like one to the rule that keeps keys out of files.
_WRITTEN_KEY = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----\n"


def _renew_too_late(data: dict[str, Any]) -> None:
    token = data["token"]
    token["renew_before"] = token["response"]["default_expires_in"]


def _api_not_allowed(data: dict[str, Any]) -> None:
    domain = data["token"]["url"].split("/")[2].removeprefix("auth.")
    data["allowed_domains"] = [f"auth.{domain}"]


def _http_token_url(data: dict[str, Any]) -> None:
    data["token"]["url"] = data["token"]["url"].replace("https://", "http://")


def _http_revoke_url(data: dict[str, Any]) -> None:
    token_url: str = data["token"]["url"]
    data["revoke"] = {"url": token_url.replace("https://", "http://").replace("/token", "/revoke")}


# (step, stage, description, change). "load": the schema or the placeholder syntax refuses
# the file; "check": it loads, and a rule of the step fails it.
BREAKAGES: tuple[tuple[str, str, str, Change], ...] = (
    ("fields", "load", "no fields", _drop("fields")),
    (
        "fields",
        "load",
        "fields[0].key = 'Client ID'",
        _set("fields", [{"key": "Client ID", "label": "x"}]),
    ),
    ("token", "load", "no token", _drop("token")),
    ("token", "load", "token.renew_before = -1", _set("token.renew_before", -1)),
    ("token", "load", "token.client_auth = 'jwt'", _set("token.client_auth", "jwt")),
    ("revoke", "load", "revoke without url", _set("revoke", {})),
    (
        "refresh",
        "load",
        "refresh.grant_type = 'password'",
        _set("refresh", {"url": "https://x.test/t", "grant_type": "password"}),
    ),
    ("test", "load", "no test", _drop("test")),
    ("test", "load", "test.method = 'TRACE'", _set("test.method", "TRACE")),
    ("label", "load", "label = ''", _set("label", "")),
    ("label", "load", "label = '{{ 1 + 1 }}'", _set("label", "{{ 1 + 1 }}")),
    ("allowed_domains", "load", "allowed_domains = []", _set("allowed_domains", [])),
    ("unique_id", "load", "no unique_id", _drop("unique_id")),
    (
        "request_defaults",
        "load",
        "request_defaults.headers.X-Count = 1",
        _set("request_defaults", {"headers": {"X-Count": 1}}),
    ),
    ("fields", "check", "client_secret field not secret", _secret_visible),
    ("token", "check", "renew_before >= default_expires_in", _renew_too_late),
    ("token", "check", "token.url over plain HTTP", _http_token_url),
    (
        "token",
        "check",
        "token.extra_params.scope = 'read'",
        _set("token.extra_params", {"scope": "read"}),
    ),
    ("revoke", "check", "revoke.url over plain HTTP", _http_revoke_url),
    ("test", "check", "test.expect.status = [401]", _set("test.expect", {"status": [401]})),
    ("label", "check", "label shows the secret", _showing_secret("label", str)),
    ("allowed_domains", "check", "allowed_domains = ['*']", _set("allowed_domains", ["*"])),
    ("allowed_domains", "check", "API host not allowed", _api_not_allowed),
    ("unique_id", "check", "unique_id is the secret", _showing_secret("unique_id", str)),
    (
        "request_defaults",
        "check",
        "a default header carries the secret",
        _showing_secret("request_defaults", lambda ref: {"headers": {"X-Key": ref}}),
    ),
    (
        "token",
        "check",
        "a private key written in the file",
        _set("token.private_key", _WRITTEN_KEY),
    ),
    ("token", "load", "token.assertion_alg = 'none'", _set("token.assertion_alg", "none")),
)


def broken_connection_configs(
    *, steps: Iterable[str] | None = None, formats: Iterable[str] = FORMATS
) -> SearchStrategy[BrokenConfig]:
    """Connection files with one mistake each, paired with the step that must fail.

    Args:
        steps: only mistakes caught at these steps (default: every step that has some).
        formats: which of ``yaml``, ``json``, ``toml`` to write.

    Raises:
        InvalidArgument: for an unknown step or format.

    Example::

        import tempfile
        import pytest
        from hypothesis import given
        from pytest_oauthcc.connection import ConfigError
        from pytest_oauthcc.connection.config.model import load_config
        from pytest_oauthcc.strategies import broken_connection_configs

        @given(broken_connection_configs(steps=["token"]))
        def test_token_mistakes_are_caught(broken):
            assert broken.step == "token"
            if broken.stage == "load":
                with tempfile.TemporaryDirectory() as directory:
                    with pytest.raises(ConfigError):
                        load_config(broken.write(directory))
    """
    known = tuple(dict.fromkeys(step for step, *_ in BREAKAGES))
    wanted = known if steps is None else check_choices(steps, "steps", known, what="step names")
    chosen = [b for b in BREAKAGES if b[0] in wanted]
    return st.tuples(
        _valid(check_choices(formats, "formats", FORMATS, what="formats")), st.sampled_from(chosen)
    ).map(
        lambda pair: BrokenConfig(pair[0].changed(pair[1][3]), pair[1][0], pair[1][1], pair[1][2])
    )
