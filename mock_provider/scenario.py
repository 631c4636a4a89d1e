"""Scenario files: a provider's clients, settings, quirks and fault script in YAML or JSON.

``oauthcc serve --scenario flaky.yaml`` loads one before the server starts. A broken file is
refused with every problem at once, each as ``FILE:LINE: key 'path': message`` (line numbers
from PyYAML's node marks; JSON is read by the same YAML composer). Fields and values are
checked by the same option definitions as the Python API and the control API
(:mod:`mock_provider.faults.options`).

Layering: imports ``protocol``, ``faults``, ``state`` and the facade (``provider``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .bundled import find_scenario, not_found_message
from .faults.fault import ENDPOINTS, FAULT_OPTIONS, Fault, fault_problems
from .faults.options import Option, Problem, type_problems
from .faults.quirks import QUIRK_OPTIONS, quirk_problems
from .protocol.errors import MockProviderError
from .protocol.rfc9068 import ALGORITHM, access_token_alg_problem
from .provider import MockProvider
from .state.clock import Clock
from .state.records import CLIENT_OPTIONS, RegisteredClient, client_problems

__all__ = ["Scenario", "ScenarioError", "ScenarioNotFound", "load_scenario"]


def _options(*rows: tuple[str, tuple[str, ...], str]) -> dict[str, Option]:
    return {name: Option(name, types, doc) for name, types, doc in rows}


PROVIDER_OPTIONS = _options(
    ("issuer", ("string", "null"), "the issuer URL (default: the server URL)"),
    ("token_format", ("string",), "opaque or jwt"),
    ("access_token_alg", ("string",), "the JWS algorithm of JWT access tokens (RS256)"),
    ("expires_in", ("integer",), "default token lifetime in seconds"),
    ("realm", ("string",), "the realm of WWW-Authenticate challenges"),
)
TOP_OPTIONS = _options(
    ("description", ("string",), "what the scenario reproduces"),
    ("provider", ("object",), "provider settings"),
    ("clients", ("array",), "clients to register"),
    ("quirks", ("object",), "provider-wide token-response quirks"),
    ("client_quirks", ("object",), "quirks per client_id"),
    ("faults", ("array",), "the fault script, in order"),
)


class ScenarioError(MockProviderError):
    """A scenario file that cannot be loaded; ``problems`` lists every one as
    ``FILE:LINE: key 'path': message``."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class Scenario:
    """A loaded, validated scenario. Apply it with :meth:`build` or :meth:`apply`."""

    path: str
    data: dict[str, Any] = field(repr=False)

    @property
    def description(self) -> str:
        """The scenario's ``description``, or an empty string."""
        return str(self.data.get("description", ""))

    def build(self, *, clock: Clock | None = None, issuer: str | None = None) -> MockProvider:
        """A new provider set up as the scenario says (``issuer`` overrides the file's)."""
        settings = dict(self.data.get("provider", {}))
        if issuer is not None:
            settings["issuer"] = issuer
        provider = MockProvider(settings.pop("issuer", None), clock=clock, **settings)
        self.apply(provider)
        return provider

    def apply(self, provider: MockProvider) -> None:
        """Register the clients, set the quirks and queue the faults on ``provider``."""
        for client in self.data.get("clients", []):
            options = dict(client)
            provider.add_client(
                options.pop("client_id"), options.pop("client_secret", None), **options
            )
        if self.data.get("quirks"):
            provider.set_quirks(**self.data["quirks"])
        for client_id, quirks in self.data.get("client_quirks", {}).items():
            provider.set_quirks(client_id=client_id, **quirks)
        for fault in self.data.get("faults", []):
            provider.faults.add(Fault(**fault))  # checked by load_scenario


class ScenarioNotFound(ScenarioError):
    """Neither a file nor a bundled scenario has the given name; the one problem says what
    was looked for and lists the bundled names."""


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario: a file (``.yaml``, ``.yml`` or ``.json``), or the name
    of one bundled with the package (``"flaky-token-endpoint"``); an existing file wins.

    Raises:
        ScenarioNotFound: when ``path`` is neither an existing file nor a bundled name.
        ScenarioError: listing every problem as ``FILE:LINE: key 'path': message``.
    """
    source = find_scenario(path)
    if source is None:
        raise ScenarioNotFound([not_found_message(path)])
    name = source.name
    try:
        text = source.read_text()
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError([f"{name}:1: cannot read the scenario file: {exc}"]) from None
    if source.suffix == ".json":
        try:
            json.loads(text)
        except json.JSONDecodeError as exc:
            raise ScenarioError([f"{name}:{exc.lineno}: not valid JSON: {exc.msg}"]) from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc)
        raise ScenarioError([f"{name}:{line}: not valid YAML: {problem}"]) from None
    lines: dict[str, int] = {}
    data = _value(node, "", lines) if node is not None else {}
    located = [
        (lines.get(key, lines.get(_parent(key), 1)), key, message) for key, message in _check(data)
    ]
    problems = [f"{name}:{line}: key '{key}': {message}" for line, key, message in sorted(located)]
    if problems:
        raise ScenarioError(problems)
    return Scenario(name, data)


def _value(node: yaml.Node, path: str, lines: dict[str, int]) -> Any:
    """The Python value of ``node``, recording each key path's 1-based line in ``lines``."""
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _LOADER.construct_object(key_node)
            child = f"{path}.{key}" if path else str(key)
            lines[child] = key_node.start_mark.line + 1
            out[key] = _value(value_node, child, lines)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_value(item, f"{path}[{i}]", lines) for i, item in enumerate(node.value)]
    return _LOADER.construct_object(node, deep=True)


# Only construct_object is used: it turns one resolved scalar node into its Python value.
_LOADER = yaml.SafeLoader("")


def _parent(key: str) -> str:
    # The nearest enclosing key that exists: "faults[0].status" -> "faults[0]" -> "faults".
    return key.rsplit(".", 1)[0] if "." in key else key.rsplit("[", 1)[0]


def _prefixed(prefix: str, problems: list[Problem]) -> list[Problem]:
    return [(f"{prefix}.{key}" if key else prefix, message) for key, message in problems]


def _items(data: Mapping[str, Any], key: str) -> list[Any]:
    value = data.get(key)
    return value if isinstance(value, list) else []


def _check(data: Any) -> list[Problem]:
    problems = type_problems(data, TOP_OPTIONS, what="scenario")
    if not isinstance(data, Mapping):
        return problems
    settings = data.get("provider")
    if isinstance(settings, Mapping):
        problems += _prefixed(
            "provider", type_problems(settings, PROVIDER_OPTIONS, what="provider")
        )
        if settings.get("token_format", "opaque") not in ("opaque", "jwt"):
            problems.append(("provider.token_format", "expected opaque or jwt"))
        alg = settings.get("access_token_alg", ALGORITHM)
        if isinstance(alg, str) and (problem := access_token_alg_problem(alg)) is not None:
            problems.append(("provider.access_token_alg", problem))
    problems += _check_clients(_items(data, "clients"))
    quirk_sets = [("quirks", data.get("quirks"))]
    if isinstance(data.get("client_quirks"), Mapping):
        quirk_sets += [(f"client_quirks.{k}", v) for k, v in data["client_quirks"].items()]
    for where, quirks in quirk_sets:
        if quirks is None:
            continue
        found = type_problems(quirks, QUIRK_OPTIONS, what="quirk")
        problems += _prefixed(where, found or quirk_problems(quirks))
    for index, fault in enumerate(_items(data, "faults")):
        where = f"faults[{index}]"
        found = type_problems(fault, FAULT_OPTIONS, what="fault")
        if not found and fault["endpoint"] not in ENDPOINTS:
            found = [("endpoint", f"expected one of {', '.join(ENDPOINTS)}")]
        problems += _prefixed(where, found or fault_problems(fault))
    return problems


def _check_clients(clients: list[Any]) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[str] = set()
    for index, client in enumerate(clients):
        where = f"clients[{index}]"
        found = type_problems(client, CLIENT_OPTIONS, what="client")
        credentials = ("client_secret", "jwks", "jwks_uri")
        if isinstance(client, Mapping) and not any(client.get(k) is not None for k in credentials):
            found.append(("client_secret", "required client field is missing"))
        if not found:
            found = client_problems(RegisteredClient(**client))
        problems += _prefixed(where, found)
        client_id = client.get("client_id") if isinstance(client, Mapping) else None
        if isinstance(client_id, str):
            if client_id in seen:
                problems.append((f"{where}.client_id", f"client {client_id} is listed twice"))
            seen.add(client_id)
    return problems
