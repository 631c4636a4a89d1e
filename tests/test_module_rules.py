"""Two rules of ``src/pytest_oauthcc`` that tests/test_layering.py (cycles, layers, exports,
sizes) does not read: the plugin entry's import-time imports, and STYLE.md 15 (every module's
docstring states its layering rule). Read from the source with ``ast``.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).parents[1] / "src"
PACKAGE = ROOT / "pytest_oauthcc"


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def import_time_imports(module: str) -> list[tuple[str, int]]:
    """``(imported module, line)`` for each import ``module`` runs when it is imported (module
    level: not in functions, not under ``TYPE_CHECKING``); ``from x import y`` counts as
    importing ``x.y`` when that is a module, else ``x``."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    tree = ast.parse(path.read_text())
    for node in tree.body:
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
        for target, line in import_time_imports(m)
        if target not in cheap and target.split(".")[0] not in sys.stdlib_module_names
    ]
    assert heavy == []


def test_every_module_states_its_layering_rule() -> None:
    silent = [
        str(p.relative_to(ROOT))
        for p in MODULES.values()
        if "Layering:" not in (ast.get_docstring(ast.parse(p.read_text())) or "")
    ]
    assert silent == []
