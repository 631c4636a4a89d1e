"""The connection config as typed objects, parsed from a validated :class:`Document`.

:func:`parse` validates the whole file against the JSON Schema and the placeholder syntax,
collects every problem, and raises one :class:`ConfigError` listing them all.

Layering: the bottom of ``connection/``: imports the standard library, PyYAML,
:mod:`pytest_oauthcc.connection.errors` and :mod:`mock_provider.protocol` only; never
``rules/``, ``steps/``, httpx or the plugin.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pytest_oauthcc.connection.errors import ConfigError

from .loading import Document, KeyPath, load_document
from .placeholders import syntax_problems
from .schema import AUTH_METHOD_OF, validate

__all__ = [
    "ConnectionConfig",
    "FieldSpec",
    "PlacementSpec",
    "RefreshSpec",
    "RequestDefaults",
    "RevokeSpec",
    "TestSpec",
    "TokenSpec",
    "load_config",
    "parse",
]


@dataclass(frozen=True)
class FieldSpec:
    """Step 1: one field the user fills in."""

    key: str
    label: str
    help: str = ""
    required: bool = False
    secret: bool = False
    options: tuple[str, ...] = ()
    default: str | None = None
    example: str | None = None


@dataclass(frozen=True)
class TokenSpec:
    """Step 2: the Access Token API and how to read its answer."""

    url: str
    client_auth: str = "basic"
    client_id: str = "{{ fields.client_id }}"
    client_secret: str = field(default="{{ fields.client_secret }}", repr=False)
    scopes: tuple[str, ...] = ()
    extra_params: Mapping[str, str] = field(default_factory=dict)
    access_token_path: str = "access_token"
    expires_in_path: str | None = "expires_in"
    default_expires_in: int = 3600
    renew_before: int = 60
    token_format: str = "opaque"
    private_key: str = field(default="{{ fields.private_key }}", repr=False)
    key_id: str | None = None
    assertion_alg: str | None = None
    assertion_audience: str | None = None

    @property
    def auth_method(self) -> str:
        """The RFC 8414 name of :attr:`client_auth` (``basic`` is ``client_secret_basic``)."""
        return AUTH_METHOD_OF[self.client_auth]


@dataclass(frozen=True)
class RefreshSpec:
    """Step 3: the Refresh Token API (only when the provider explicitly supports one)."""

    url: str
    grant_type: str


@dataclass(frozen=True)
class RevokeSpec:
    """Step 4: the Revoke Token API (RFC 7009)."""

    url: str


@dataclass(frozen=True)
class PlacementSpec:
    """Where API calls carry the token: ``header`` + ``prefix``, or the ``query`` parameter
    (the arguments of ``ClientCredentials`` and of the mock's resource)."""

    token_header: str = "Authorization"
    token_prefix: str = "Bearer "
    token_query: str | None = None

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> PlacementSpec:
        """From a ``token_placement`` object (the defaults depend on ``in`` and ``name``)."""
        if data.get("in", "header") == "query":
            return cls(token_query=data.get("name", "access_token"))
        name = data.get("name", "Authorization")
        default_prefix = "Bearer " if name.lower() == "authorization" else ""
        return cls(token_header=name, token_prefix=data.get("prefix", default_prefix))

    def options(self) -> dict[str, Any]:
        """As keyword arguments of ``ClientCredentials`` / ``MockProvider.add_resource``."""
        if self.token_query is not None:
            return {"token_query": self.token_query}
        return {"token_header": self.token_header, "token_prefix": self.token_prefix}


@dataclass(frozen=True)
class TestSpec:
    """Step 5: the Test (Me) API."""

    __test__ = False  # not a pytest test class

    url: str
    method: str = "GET"
    scopes: tuple[str, ...] = ()
    status: tuple[int, ...] = (200,)
    body_has: tuple[str, ...] = ()


@dataclass(frozen=True)
class RequestDefaults:
    """Step 9: query parameters and headers sent with every API request."""

    query: Mapping[str, str] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ConnectionConfig:
    """A whole connection file, parsed. ``document`` keeps the key -> line map."""

    name: str
    fields: tuple[FieldSpec, ...]
    token: TokenSpec
    test: TestSpec
    label: str
    allowed_domains: tuple[str, ...]
    unique_id: str
    document: Document = field(repr=False)
    description: str = ""
    environments: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    environment_field: str = "environment"
    refresh: RefreshSpec | None = None
    revoke: RevokeSpec | None = None
    request_defaults: RequestDefaults = field(default_factory=RequestDefaults)
    token_placement: PlacementSpec = field(default_factory=PlacementSpec)
    calls: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    mock_test_response: Any = None
    mock_token_response: Mapping[str, Any] = field(default_factory=dict)

    @property
    def path(self) -> str:
        """The file this config was read from."""
        return self.document.path

    def field(self, key: str) -> FieldSpec | None:
        """The field named ``key``, or ``None``."""
        return next((f for f in self.fields if f.key == key), None)

    def templates(self) -> Iterator[tuple[KeyPath, str]]:
        """Every placeholder-capable string value with its key path."""
        yield from _strings(self.document.data, ())


def _strings(value: Any, key: KeyPath) -> Iterator[tuple[KeyPath, str]]:
    if isinstance(value, str):
        yield key, value
    elif isinstance(value, dict):
        for name, item in value.items():
            if key == () and name == "mock":
                continue  # the mock's answer is data, not templates
            yield from _strings(item, (*key, name))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, (*key, index))


def load_config(path: str | Path) -> ConnectionConfig:
    """Read, validate and parse one connection file.

    Raises:
        ConfigError: listing every problem in the file (file, line, key, message).
    """
    return parse(load_document(path))


def parse(doc: Document) -> ConnectionConfig:
    """Validate ``doc`` against the schema and the placeholder syntax and build the config.

    Raises:
        ConfigError: listing every problem at once.
    """
    problems = [doc.problem(key, message) for key, message in validate(doc.data)]
    if isinstance(doc.data, dict):
        for key, text in _strings(doc.data, ()):
            problems += [doc.problem(key, m) for m in syntax_problems(text)]
        # The schema reports a "fields" that is not a list; here it just has no keys.
        fields = doc.data.get("fields")
        items = fields if isinstance(fields, list) else []
        keys = [f.get("key") for f in items if isinstance(f, dict)]
        for index, name in enumerate(keys):
            if name is not None and keys.index(name) != index:
                problems.append(doc.problem(("fields", index, "key"), f"duplicate field {name!r}"))
    if problems:
        raise ConfigError(doc.path, problems)
    return _build(doc)


def _build(doc: Document) -> ConnectionConfig:
    data: dict[str, Any] = doc.data
    tok: dict[str, Any] = data["token"]
    response: dict[str, Any] = tok.get("response", {})
    test: dict[str, Any] = data["test"]
    expect: dict[str, Any] = test.get("expect", {})
    defaults: dict[str, Any] = data.get("request_defaults", {})
    return ConnectionConfig(
        name=data["name"],
        description=data.get("description", ""),
        fields=tuple(
            FieldSpec(
                key=f["key"],
                label=f["label"],
                help=f.get("help", ""),
                required=f.get("required", False),
                secret=f.get("secret", False),
                options=tuple(f.get("options", ())),
                default=f.get("default"),
                example=f.get("example"),
            )
            for f in data["fields"]
        ),
        environments={k: dict(v) for k, v in data.get("environments", {}).items()},
        environment_field=data.get("environment_field", "environment"),
        token=TokenSpec(
            url=tok["url"],
            client_auth=tok.get("client_auth", "basic"),
            client_id=tok.get("client_id", "{{ fields.client_id }}"),
            client_secret=tok.get("client_secret", "{{ fields.client_secret }}"),
            scopes=tuple(tok.get("scopes", ())),
            extra_params=dict(tok.get("extra_params", {})),
            access_token_path=response.get("access_token", "access_token"),
            expires_in_path=response.get("expires_in", "expires_in"),
            default_expires_in=response.get("default_expires_in", 3600),
            renew_before=tok.get("renew_before", 60),
            token_format=tok.get("token_format", "opaque"),
            private_key=tok.get("private_key", "{{ fields.private_key }}"),
            key_id=tok.get("key_id"),
            assertion_alg=tok.get("assertion_alg"),
            assertion_audience=tok.get("assertion_audience"),
        ),
        refresh=RefreshSpec(**data["refresh"]) if "refresh" in data else None,
        revoke=RevokeSpec(**data["revoke"]) if "revoke" in data else None,
        test=TestSpec(
            url=test["url"],
            method=test.get("method", "GET"),
            scopes=tuple(test.get("scopes", ())),
            status=tuple(expect.get("status", (200,))),
            body_has=tuple(expect.get("body_has", ())),
        ),
        label=data["label"],
        allowed_domains=tuple(data["allowed_domains"]),
        unique_id=data["unique_id"],
        request_defaults=RequestDefaults(
            query=dict(defaults.get("query", {})), headers=dict(defaults.get("headers", {}))
        ),
        token_placement=PlacementSpec.from_data(data.get("token_placement", {})),
        calls={c["name"]: tuple(c["scopes"]) for c in data.get("calls", ())},
        mock_test_response=data.get("mock", {}).get("test_response"),
        mock_token_response=dict(data.get("mock", {}).get("token_response", {})),
        document=doc,
    )
