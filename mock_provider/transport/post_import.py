"""Run a callback right after a module is first imported (a post-import hook).

The routing table hooks an HTTP stack only once the process has imported it, so a run that
never uses aiohttp never pays for importing it. A library may import its stack inside a
function, in the middle of a test; this finder sees that import and lets the routing table
hook the stack before the library's first request. It is the technique of ``wrapt``'s
post-import hooks: a finder first on ``sys.meta_path`` that, for a watched name, asks the
other finders for the real spec and wraps its loader so the callback runs after the module
executed. Everything else about the import (the spec, the module, its loader's other
methods) is the real one.

Layering: standard library only.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
import threading
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any

__all__ = ["unwatch", "watch"]


class _Loader(importlib.abc.Loader):
    """The real loader, then the callback."""

    def __init__(self, real: importlib.abc.Loader, done: Callable[[], None]) -> None:
        self._real = real
        self._done = done

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return self._real.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        self._real.exec_module(module)
        # The module's own spec names its real loader (importlib.resources, reloads).
        if module.__spec__ is not None:
            module.__spec__.loader = self._real
        module.__loader__ = self._real
        self._done()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


class _Finder(importlib.abc.MetaPathFinder):
    def __init__(self) -> None:
        self.names: dict[str, str] = {}
        self.callback: Callable[[str], None] = _ignore
        self._busy = threading.local()

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        name = self.names.get(fullname)
        if name is None or getattr(self._busy, "on", False):
            return None
        self._busy.on = True
        try:
            spec = importlib.machinery.PathFinder.find_spec(fullname, path, target)
            if spec is None:  # found by another finder (zipimport, an editable install...)
                spec = next(
                    (
                        found
                        for finder in sys.meta_path
                        if finder is not self and hasattr(finder, "find_spec")
                        for found in [finder.find_spec(fullname, path, target)]
                        if found is not None
                    ),
                    None,
                )
        finally:
            self._busy.on = False
        if spec is None or spec.loader is None:
            return spec
        callback = self.callback  # the one of this watch, even if the next one starts
        spec.loader = _Loader(spec.loader, lambda: callback(name))
        return spec


def _ignore(name: str) -> None:
    """The callback while nothing is watched."""


# One finder for the process, on sys.meta_path only while watching: the routing table
# watches from its first registration to its last removal, once per test in a suite.
_finder = _Finder()


def watch(names: dict[str, str], callback: Callable[[str], None]) -> None:
    """Call ``callback(names[module])`` right after ``module`` is first imported, for each
    module named in ``names`` (top-level names), until :func:`unwatch`."""
    if _finder.names == names and _finder.callback is callback and _finder in sys.meta_path:
        return  # watching these already (hooks kept from one test to the next)
    unwatch()
    _finder.names = dict(names)
    _finder.callback = callback
    sys.meta_path.insert(0, _finder)


def unwatch() -> None:
    """Stop watching (idempotent)."""
    _finder.names = {}
    _finder.callback = _ignore
    if _finder in sys.meta_path:
        sys.meta_path.remove(_finder)
