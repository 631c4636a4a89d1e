"""DESIGN.md's rules of the layers, for ``src/pytest_oauthcc``, read from the imports (AST).

Every import counts: module level, inside functions, and under ``TYPE_CHECKING``.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1] / "src"
PACKAGE = ROOT / "pytest_oauthcc"
# What mock_provider exports to pytest_oauthcc (the re-layering contract).
MOCK_PROVIDER_API = ("mock_provider", "mock_provider.protocol")


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def imports(module: str, *, top_level_only: bool = False) -> list[tuple[str, int]]:
    """``(imported module, line)`` for every import in ``module`` (or only those run when it
    is imported, outside functions and ``TYPE_CHECKING``); ``from x import y`` counts as
    importing ``x.y`` when that is a module, else ``x``."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    tree = ast.parse(path.read_text())
    for node in tree.body if top_level_only else ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            if target == "__future__":
                continue
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                found.append((sub if sub in MODULES else target, node.lineno))
    return found


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle in ``graph`` (as the list of its modules, first repeated), or None."""
    state: dict[str, int] = {}
    trail: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        trail.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*trail[trail.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        trail.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (cycle := visit(start)):
            return cycle
    return None


def _graph() -> dict[str, set[str]]:
    return {m: {t for t, _ in imports(m) if t in MODULES and t != m} for m in MODULES}


def test_the_cycle_finder_finds_a_cycle_added_by_hand() -> None:
    graph = _graph()
    assert find_cycle(graph) is None
    graph["pytest_oauthcc.client.token"].add("pytest_oauthcc.client.credentials")
    cycle = find_cycle(graph)
    assert cycle is not None
    assert cycle[0] == cycle[-1]
    assert "pytest_oauthcc.client.token" in cycle


def test_no_import_cycle() -> None:
    cycle = find_cycle(_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or ())


FORBIDDEN = [
    (
        "pytest_oauthcc.client",
        ("pytest", "_pytest", "pytest_oauthcc.plugin", "pytest_oauthcc.connection"),
    ),
    ("pytest_oauthcc.connection", ("pytest_oauthcc.plugin",)),
]


@pytest.mark.parametrize(("layer", "forbidden"), FORBIDDEN, ids=[f[0] for f in FORBIDDEN])
def test_a_layer_never_imports_what_sits_above_it(layer: str, forbidden: tuple[str, ...]) -> None:
    broken = [
        f"{MODULES[m].relative_to(ROOT)}:{line}: {m} imports {target}"
        for m in MODULES
        if m == layer or m.startswith(layer + ".")
        for target, line in imports(m)
        if any(target == f or target.startswith(f + ".") for f in forbidden)
    ]
    assert broken == []


def test_only_what_mock_provider_exports_is_imported() -> None:
    broken = [
        f"{MODULES[m].relative_to(ROOT)}:{line}: {m} imports {target}"
        for m in MODULES
        for target, line in imports(m)
        if target.split(".")[0] == "mock_provider" and target not in MOCK_PROVIDER_API
    ]
    assert broken == []


def test_the_plugin_entry_imports_only_its_cheap_modules() -> None:
    # pytest imports the entry in every run; tests/plugin/test_import.py measures the result.
    cheap = {
        "pytest",
        *(f"pytest_oauthcc.plugin.{n}" for n in ("keys", "options", "hooks", "fixtures")),
    }
    entry = [m for m in MODULES if m in cheap or m == "pytest_oauthcc.plugin"]
    heavy = [
        f"{MODULES[m].relative_to(ROOT)}:{line}: {m} imports {target} at import time"
        for m in entry
        for target, line in imports(m, top_level_only=True)
        if target not in cheap and target.split(".")[0] not in sys.stdlib_module_names
    ]
    assert heavy == []


def test_modules_and_folders_stay_small() -> None:
    long = [
        f"{p.relative_to(ROOT)}: {n} lines"
        for p in MODULES.values()
        if (n := len(p.read_text().splitlines())) > 400
    ]
    folders: dict[Path, int] = {}
    for path in MODULES.values():
        folders[path.parent] = folders.get(path.parent, 0) + 1
    crowded = [f"{d.relative_to(ROOT)}: {n} modules" for d, n in folders.items() if n > 14]
    assert long == []
    assert crowded == []


def test_every_module_states_its_layering_rule() -> None:
    silent = [
        str(p.relative_to(ROOT))
        for p in MODULES.values()
        if "Layering:" not in (ast.get_docstring(ast.parse(p.read_text())) or "")
    ]
    assert silent == []
