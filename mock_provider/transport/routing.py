"""One table of in-process answers, read by every HTTP stack's hook.

Rule: a registration maps an origin (scheme, host, port) to a target with
``handle(request) -> response``; it is stack-agnostic. Each stack's hook (httpx, httpx2,
requests, aiohttp) is installed on the first registration and undone on the last removal,
and only for stacks the process uses: this module imports none of them and never imports a
stack itself. A stack already imported is hooked at once; one imported later, while something
is registered (a library that imports ``requests`` inside a function), is hooked right after
its import by :mod:`.post_import`.

A hook is a list of :data:`Patch` (a class attribute replaced by a function wrapping the one
there before), applied and undone here, once for every stack. :func:`keep_hooks` keeps them
installed past the last removal, for a next registration that follows at once (the pytest
plugin does so between two tests that both use a provider: installing and undoing them cost
a test more than registering); a registration then checks that each is still on top of its
stack (another mock may have patched over it meanwhile) and hooks the stack again where not.

A hook answers a request whose origin is registered and sends every other request where it
would have gone without it, so loopback servers and the user's own mocks keep working.
"""

from __future__ import annotations

import functools
import importlib
import sys
import threading
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from mock_provider.protocol.http import Served

from . import post_import

__all__ = [
    "STACKS",
    "Origin",
    "Patch",
    "Target",
    "hooked_stacks",
    "keep_hooks",
    "lookup",
    "lookup_url",
    "register",
]

Origin = tuple[str, str, int]

#: One replaced class attribute: (the class, the attribute's name, the replacement, the value
#: it replaces), made by a stack's hook module to wrap what the class holds when it is made.
Patch = tuple[Any, str, Any, Any]

# stack -> (the module that must be importable, the module holding its hook).
STACKS: dict[str, tuple[str, str]] = {
    "httpx": ("httpx", "mock_provider.transport.httpx_hook"),
    "httpx2": ("httpx2", "mock_provider.transport.httpx2"),
    "requests": ("requests", "mock_provider.transport.requests"),
    "aiohttp": ("aiohttp", "mock_provider.transport.aiohttp"),
}
_DEFAULT_PORTS = {"http": 80, "https": 443}


# What answers a registered origin: the provider, or anything served like it.
Target = Served


class _Hook:
    """One stack's patches as applied: each with the attribute's value before, and the
    stack's module they were made for."""

    __slots__ = ("applied", "module")

    def __init__(self, module: object, patches: tuple[Patch, ...]) -> None:
        self.module = module
        self.applied = patches
        for owner, name, new, _ in patches:
            setattr(owner, name, new)

    def undo(self) -> bool:
        """Restore each attribute this hook still holds; one that something patched after
        the hook keeps that patch (and the hook below it passes everything through once
        nothing is registered). Returns whether every attribute was restored (or had been)."""
        restored = True
        for owner, name, new, old in reversed(self.applied):
            current = getattr(owner, name)
            if current is new:
                setattr(owner, name, old)
            elif current is not old:
                restored = False
        return restored


_lock = threading.RLock()
_routes: dict[Origin, tuple[Target, object]] = {}
# Per stack, its hooks in the order installed (more than one when another mock patched over
# a kept hook and the stack was hooked again on top).
_hooks: dict[str, list[_Hook]] = {}
# Hooks undone while another mock was patched over them: a mock that stops puts back what
# it found, one of these, which the next keep_hooks(False) then undoes (the plugin calls it
# after each test that routed, once its fixtures, the user's mocks too, were torn down).
_patched_over: list[_Hook] = []
_keep = False
# Hooks installed while nothing is registered were kept (see keep_hooks). For the next
# registration to check them in two flat loops: the replacement each attribute holds and
# each hooked stack's module, made again whenever the hooks change.
_Installed = tuple[list[tuple[Any, str, Any]], list[tuple[str, object]]]
_installed: _Installed | None = None
# Per stack, the stack's module and the patches last made for it: made again only when an
# attribute no longer holds what they wrap (a suite installs them once per test, and the
# same methods get the same hooks).
_made: dict[str, tuple[object, tuple[Patch, ...]]] = {}


def origin(scheme: str, host: str, port: int | None) -> Origin:
    """The registry key for a URL's parts: lower-case host, default port filled in."""
    scheme = scheme.lower()
    return (
        scheme,
        host.lower().strip("[]"),
        port if port is not None else _DEFAULT_PORTS.get(scheme, 0),
    )


def lookup(scheme: str, host: str, port: int | None) -> Target | None:
    """The target registered for this origin, or ``None`` (the request passes through)."""
    if not _routes:
        return None
    entry = _routes.get(origin(scheme, host, port))
    return entry[0] if entry is not None else None


def lookup_url(url: str) -> Target | None:
    """:func:`lookup` for an absolute URL string."""
    if not _routes:
        return None
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        return None
    return lookup(parts.scheme, parts.hostname or "", port)


def register(url: str, target: Target) -> Callable[[], None]:
    """Answer every request for ``url``'s origin from ``target``, on every installed stack.

    Returns the undo (idempotent); the last undo restores every stack's own code.

    Raises:
        ValueError: if ``url`` has no host, or another target already answers its origin.
    """
    key = _url_origin(url)
    with _lock:
        if key in _routes:
            scheme, host, port = key
            raise ValueError(f"a provider already answers {scheme}://{host}:{port}")
        if not _routes and not (_hooks and _kept_in_place()):
            _install_hooks()
        # Each registration is its own entry, so a stale undo never removes a later one.
        entry = (target, object())
        _routes[key] = entry

    def undo() -> None:
        with _lock:
            if _routes.get(key) is entry:
                del _routes[key]
                if not _routes and not _keep:
                    _uninstall_hooks()

    return undo


def keep_hooks(keep: bool) -> None:
    """Keep the stacks' hooks installed past the last removal (``True``), passing every
    request through until the next registration; ``False``: undo them at the last removal
    again, and at once when nothing is registered now."""
    global _keep
    with _lock:
        _keep = keep
        if not keep and not _routes:
            if _hooks:
                _uninstall_hooks()
            if _patched_over:
                _patched_over[:] = [hook for hook in _patched_over if not hook.undo()]


def _kept_in_place() -> bool:
    """Whether the hooks kept past the last removal are all still in place, on the same
    imports of their stacks, and every stack imported is hooked (then the next registration
    needs no other check)."""
    global _installed
    if _installed is None:
        _installed = (
            [
                (owner, name, new)
                for hooks in _hooks.values()
                for owner, name, new, _ in hooks[-1].applied
            ],
            [(STACKS[stack][0], hooks[0].module) for stack, hooks in _hooks.items()],
        )
    attributes, modules = _installed
    for owner, name, new in attributes:
        if getattr(owner, name) is not new:
            return False
    modules_now = sys.modules
    for name, module in modules:
        if modules_now.get(name) is not module:
            return False
    # A stack imported since but not hooked (its import was under way in another thread
    # when the hooks were installed, so no watch saw it) needs the full installation.
    for stack, (name, _) in STACKS.items():
        if stack not in _hooks and name in modules_now:
            return False
    return True


@functools.lru_cache(maxsize=256)
def _url_origin(url: str) -> Origin:
    # Cached: the fixtures register the same few issuers again and again.
    parts = urlsplit(url)
    if not parts.hostname:
        raise ValueError(f"cannot route {url!r}: an absolute http(s) URL is needed")
    return origin(parts.scheme, parts.hostname, parts.port)


def hooked_stacks() -> tuple[str, ...]:
    """The stacks whose hook is installed now (empty once nothing is registered and the
    hooks are not kept)."""
    return tuple(_hooks)


def _install_hooks() -> None:
    later = {}
    for stack, (module, _) in STACKS.items():
        imported = sys.modules.get(module)
        if imported is None:
            later[module] = stack
        elif not getattr(imported.__spec__, "_initializing", False):
            hooks = _hooks.get(stack)
            if hooks is not None and hooks[0].module is not imported:
                _forget(stack)
                hooks = None
            if hooks is None or not _answering(hooks):
                _hook(stack, imported)
        # else another thread is importing the stack right now: importing its hook here,
        # under the lock, would wait for that import, which may be waiting for the lock.
    if later:
        post_import.watch(later, _hook_imported)


def _hook(stack: str, imported: object) -> None:
    name = STACKS[stack][1]
    # sys.modules first: import_module's checks cost more than the hook. (The module is not
    # cached here: pytester's in-process runs drop the modules they imported, and a
    # re-imported stack needs its hook module re-imported.)
    global _installed
    made = _made.get(stack)
    if made is None or made[0] is not imported or not _wrap_current(made[1]):
        module = sys.modules.get(name) or importlib.import_module(name)
        made = _made[stack] = (imported, module.patches())
    hook = _Hook(imported, made[1])
    _installed = None
    hooks = _hooks.get(stack)
    if hooks is None:
        _hooks[stack] = [hook]
    else:
        hooks.append(hook)


def _wrap_current(patches: tuple[Patch, ...]) -> bool:
    """Whether every attribute still holds what these patches wrap."""
    return all(getattr(owner, name) is old for owner, name, _, old in patches)


def _answering(hooks: list[_Hook]) -> bool:
    """Whether each attribute the stack's hooks replace holds one of their replacements (any
    of them answers from this table). Once the last removal kept them, a mock may have
    patched over one; a mock that stopped put back what it found, which answers again."""
    for owner, name, _, _ in hooks[0].applied:
        current = getattr(owner, name)
        if not any(new is current for hook in hooks for _, _, new, _ in hook.applied):
            return False
    return True


def _forget(stack: str) -> None:
    """Forget hooks made for another import of the stack: pytester's in-process runs drop
    the modules they imported, and the next import is a new module, with new classes."""
    global _installed
    _installed = None
    for hook in reversed(_hooks.pop(stack)):
        hook.undo()  # (harmless on classes nothing uses any more)


def _hook_imported(stack: str) -> None:
    # Called by the import system right after ``stack`` was first imported.
    with _lock:
        imported = sys.modules.get(STACKS[stack][0])
        hooks = _hooks.get(stack)
        if hooks is not None and hooks[0].module is not imported:
            _forget(stack)
            hooks = None
        if (_routes or _keep) and hooks is None:
            _hook(stack, imported)


def _uninstall_hooks() -> None:
    global _installed
    _installed = None
    post_import.unwatch()
    # Undone in reverse order of installation, so hooks that wrap each other (httpx aliased
    # to httpx2 by ``httpx2.alias_httpx()``, a stack hooked again over another mock) unwind
    # as they were stacked.
    for stack in reversed(list(_hooks)):
        for hook in reversed(_hooks.pop(stack)):
            if not hook.undo():
                _patched_over.append(hook)
