"""Reads the project's imports with ``ast`` and holds them to rules given as data.

Every ``import`` and ``from ... import`` counts, wherever it is written: at module level,
under ``if TYPE_CHECKING:``, inside a function or a ``try``. Relative imports are resolved.
An import of a package is an edge to its ``__init__``; ``from pkg import name`` where
``name`` is a submodule is an edge to that submodule. Importing ``a.b`` also runs
``a/__init__.py``, but that implicit parent edge is not counted (else every ``__init__`` that
re-exports its children would be a cycle); the imports written in an ``__init__`` are.

Nothing here is imported from the project: the tree is read as text, so a broken import cannot
hide itself, and a synthetic tree in ``tmp_path`` is checked exactly like the real one.
"""

from __future__ import annotations

import ast
import fnmatch
import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Import:
    """One imported module (and name) of one statement: ``importer`` at ``where``."""

    importer: str
    where: str  # "path/relative/to/root.py:line"
    target: str  # the module the statement loads: a submodule when `name` is one
    name: str | None  # the name taken from `target` by `from target import name`
    context: str  # "" at run time, "TYPE_CHECKING" or "in a function"

    def describe(self, names: Sequence[str] = ()) -> str:
        """``where: importer imports [names from] target [(context)]``, as messages show it;
        ``names`` (default: this import's name) are the names one statement takes."""
        names = names or ([self.name] if self.name else [])
        what = f"{', '.join(names)} from {self.target}" if names else self.target
        suffix = f" ({self.context})" if self.context else ""
        return f"{self.where}: {self.importer} imports {what}{suffix}"


@dataclass(frozen=True)
class Rule:
    """Modules matching ``importers`` (minus ``except_importers``) must not import modules
    matching ``forbidden`` (minus ``except_targets``). Patterns are ``fnmatch`` patterns over
    dotted names; ``tree("a.b")`` is ``a.b`` and everything below it."""

    importers: tuple[str, ...]
    forbidden: tuple[str, ...]
    reason: str
    except_importers: tuple[str, ...] = ()
    except_targets: tuple[str, ...] = ()

    def breaks(self, imp: Import) -> bool:
        """Whether ``imp`` breaks this rule."""
        return (
            _matches(imp.importer, self.importers)
            and not _matches(imp.importer, self.except_importers)
            and _matches(imp.target, self.forbidden)
            and not _matches(imp.target, self.except_targets)
        )


def tree(module: str) -> tuple[str, str]:
    """Patterns matching ``module`` and every module below it."""
    return (module, f"{module}.*")


def _matches(module: str, patterns: Iterable[str]) -> bool:
    return any(fnmatch.fnmatchcase(module, pattern) for pattern in patterns)


@dataclass(frozen=True)
class Module:
    """A module of the project: its dotted name, file, text and whether it is a package."""

    name: str
    path: Path
    shown: str  # the path as messages show it, relative to the root
    source: str
    is_package: bool


class _Collector(ast.NodeVisitor):
    """Every import node of a module, with the context it runs in."""

    def __init__(self) -> None:
        self.found: list[tuple[ast.Import | ast.ImportFrom, str]] = []
        self._context: list[str] = []

    def _visit_in(self, node: ast.AST, context: str) -> None:
        self._context.append(context)
        self.generic_visit(node)
        self._context.pop()

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self._visit_in(node, "in a function")

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:
        self._visit_in(node, "in a function")

    def visit_If(self, node: ast.If) -> None:
        test = node.test
        guarded = (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
            isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
        )
        if not guarded:
            self.generic_visit(node)
            return
        self.visit(test)
        self._context.append("TYPE_CHECKING")
        for child in node.body:
            self.visit(child)
        self._context.pop()
        for child in node.orelse:  # the `else:` of `if TYPE_CHECKING` runs at run time
            self.visit(child)

    def visit_Import(self, node: ast.Import) -> None:
        self.found.append((node, self._current()))

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        self.found.append((node, self._current()))

    def _current(self) -> str:
        # TYPE_CHECKING wins over "in a function": it says the import never runs at all.
        if "TYPE_CHECKING" in self._context:
            return "TYPE_CHECKING"
        return self._context[-1] if self._context else ""


class Project:
    """The modules under ``root``'s package folders and the imports they write."""

    def __init__(self, root: Path, packages: Sequence[str]) -> None:
        """``packages``: package folders relative to ``root`` (``"src/pytest_oauthcc"``)."""
        self.root = root
        self.folders = [root / package for package in packages]
        self.modules: dict[str, Module] = {}
        for folder in self.folders:
            for path in sorted(folder.rglob("*.py")):
                self._add(folder, path)
        self.imports = [imp for module in self.modules.values() for imp in self._read(module)]

    def _add(self, folder: Path, path: Path) -> None:
        parts = [folder.name, *path.relative_to(folder).with_suffix("").parts]
        is_package = parts[-1] == "__init__"
        if is_package:
            parts.pop()
        name = ".".join(parts)
        shown = path.relative_to(self.root).as_posix()
        self.modules[name] = Module(name, path, shown, path.read_text("utf-8"), is_package)

    def _read(self, module: Module) -> Iterator[Import]:
        collector = _Collector()
        collector.visit(ast.parse(module.source, filename=module.shown))
        for node, context in collector.found:
            where = f"{module.shown}:{node.lineno}"
            if isinstance(node, ast.Import):
                for alias in node.names:
                    yield Import(module.name, where, alias.name, None, context)
                continue
            base = self._resolve(module, node.level, node.module)
            for alias in node.names:
                sub = f"{base}.{alias.name}" if base else alias.name
                if sub in self.modules:
                    yield Import(module.name, where, sub, None, context)
                else:
                    name = None if alias.name == "*" else alias.name
                    yield Import(module.name, where, base, name, context)

    @staticmethod
    def _resolve(module: Module, level: int, name: str | None) -> str:
        if level == 0:
            return name or ""
        package = module.name.split(".")
        if not module.is_package:
            package.pop()
        if level > 1:
            package = package[: -(level - 1)]
        return ".".join([*package, *([name] if name else [])])

    def edges(self) -> dict[str, dict[str, Import]]:
        """Module -> module it imports -> the first statement doing it (project modules only)."""
        graph: dict[str, dict[str, Import]] = {name: {} for name in self.modules}
        for imp in self.imports:
            if imp.target in self.modules:
                graph[imp.importer].setdefault(imp.target, imp)
        return graph

    def cycles(self) -> list[str]:
        """One message per set of modules that import each other in a circle.

        Each set (a strongly connected component) is shown by its shortest cycle through its
        first module in sorted order, every edge with the statement that makes it.
        """
        graph = self.edges()
        messages = []
        for component in _components(graph):
            start = min(component)
            path = _shortest_cycle(graph, start, component)
            edges = [graph[a][b] for a, b in itertools.pairwise(path)]
            lines = [f"import cycle: {' -> '.join(path)}"]
            lines += [f"  {edge.describe()}" for edge in edges]
            if len(component) > len(path) - 1:
                lines.append(
                    f"  (one of the cycles among {len(component)} modules: "
                    f"{', '.join(sorted(component))})"
                )
            messages.append("\n".join(lines))
        return messages

    def broken(self, rules: Iterable[Rule]) -> list[str]:
        """One message per statement and rule it breaks: where, what, and the rule's reason.

        The names one ``from ... import`` statement takes from one module share a message.
        """
        found: dict[tuple[Rule, str, str], tuple[Import, list[str]]] = {}
        for imp in self.imports:
            for rule in rules:
                if rule.breaks(imp):
                    _, names = found.setdefault((rule, imp.where, imp.target), (imp, []))
                    names += [imp.name] if imp.name else []
        return [
            f"{imp.describe(names)}: {rule.reason}" for (rule, _, _), (imp, names) in found.items()
        ]

    def unexported(self, importers: Sequence[str], exporters: Sequence[str]) -> list[str]:
        """Names that modules matching ``importers`` take from ``exporters`` (exact module
        names) although they are not in that module's ``__all__`` (read statically)."""
        messages = []
        for imp in self.imports:
            if imp.name is None or imp.target not in exporters:
                continue
            if not _matches(imp.importer, importers):
                continue
            exported = self.all_of(imp.target)
            if exported is None:
                messages.append(f"{imp.describe()}: {imp.target} has no static __all__")
            elif imp.name not in exported:
                messages.append(f"{imp.describe()}: {imp.name} is not in {imp.target}.__all__")
        return messages

    def all_of(self, name: str) -> set[str] | None:
        """The names in module ``name``'s ``__all__`` (``=``, ``+=``), or ``None`` if none."""
        module = self.modules.get(name)
        if module is None:
            return None
        names: set[str] | None = None
        for node in ast.parse(module.source).body:
            target: ast.expr
            value: ast.expr | None
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target, value = node.targets[0], node.value
            elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
                target, value = node.target, node.value
            else:
                continue
            if not (isinstance(target, ast.Name) and target.id == "__all__"):
                continue
            if not isinstance(value, (ast.List, ast.Tuple)):
                return None  # computed: not readable without running the module
            found = {e.value for e in value.elts if isinstance(e, ast.Constant)}
            strings = {n for n in found if isinstance(n, str)}
            # `__all__ = [...]` replaces, `__all__ += [...]` extends.
            names = (names or set()) | strings if isinstance(node, ast.AugAssign) else strings
        return names

    def oversized(self, max_modules: int, max_lines: int) -> list[str]:
        """Package folders with more than ``max_modules`` modules directly (``__init__.py``
        not counted) and modules over ``max_lines`` lines."""
        messages = []
        folders = sorted({m.path.parent for m in self.modules.values() if m.is_package})
        for folder in folders:
            count = sum(1 for p in folder.glob("*.py") if p.name != "__init__.py")
            if count > max_modules:
                shown = folder.relative_to(self.root).as_posix()
                messages.append(
                    f"{shown}/ holds {count} modules directly (at most {max_modules}): "
                    "split it into subpackages by concept"
                )
        for module in self.modules.values():
            lines = len(module.source.splitlines())
            if lines > max_lines:
                messages.append(
                    f"{module.shown} has {lines} lines (at most {max_lines}): split it by concept"
                )
        return messages


def _components(graph: dict[str, dict[str, Import]]) -> list[set[str]]:
    """The strongly connected components that hold a cycle (Tarjan), in sorted order."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1 or node in graph[node]:
                found.append(component)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found, key=min)


def _shortest_cycle(graph: dict[str, dict[str, Import]], start: str, within: set[str]) -> list[str]:
    """The shortest path ``start -> ... -> start`` inside ``within`` (breadth first)."""
    came_from: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for nxt in sorted(graph[node]):
                if nxt == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(came_from[path[-1]])
                    return [*reversed(path), start]
                if nxt in within and nxt not in came_from:
                    came_from[nxt] = node
                    following.append(nxt)
        frontier = following
    raise AssertionError(f"{start} is in a strongly connected component but on no cycle")
