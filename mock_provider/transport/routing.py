"""One table of in-process answers, read by every HTTP stack's hook.

Rule: a registration maps an origin (scheme, host, port) to a target with
``handle(request) -> response``; it is stack-agnostic. Each stack's hook (httpx, httpx2,
requests, aiohttp) is installed on the first registration and undone on the last removal,
and only for stacks the process uses: this module imports none of them and never imports a
stack itself. A stack already imported is hooked at once; one imported later, while something
is registered (a library that imports ``requests`` inside a function), is hooked right after
its import by :mod:`.post_import`.

A hook answers a request whose origin is registered and sends every other request where it
would have gone without it, so loopback servers and the user's own mocks keep working.
"""

from __future__ import annotations

import functools
import importlib
import sys
import threading
from collections.abc import Callable
from urllib.parse import urlsplit

from mock_provider.protocol.http import Served

from . import post_import

__all__ = ["STACKS", "Origin", "Target", "hooked_stacks", "lookup", "lookup_url", "register"]

Origin = tuple[str, str, int]

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


_lock = threading.RLock()
_routes: dict[Origin, tuple[Target, object]] = {}
_undo_hooks: dict[str, Callable[[], None]] = {}


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
        if not _routes:
            _install_hooks()
        # Each registration is its own entry, so a stale undo never removes a later one.
        entry = (target, object())
        _routes[key] = entry

    def undo() -> None:
        with _lock:
            if _routes.get(key) is entry:
                del _routes[key]
                if not _routes:
                    _uninstall_hooks()

    return undo


@functools.lru_cache(maxsize=256)
def _url_origin(url: str) -> Origin:
    # Cached: the fixtures register the same few issuers again and again.
    parts = urlsplit(url)
    if not parts.hostname:
        raise ValueError(f"cannot route {url!r}: an absolute http(s) URL is needed")
    return origin(parts.scheme, parts.hostname, parts.port)


def hooked_stacks() -> tuple[str, ...]:
    """The stacks whose hook is installed now (empty once nothing is registered)."""
    return tuple(_undo_hooks)


def _install_hooks() -> None:
    later = {}
    for stack, (module, _) in STACKS.items():
        imported = sys.modules.get(module)
        if imported is None:
            later[module] = stack
        elif not getattr(imported.__spec__, "_initializing", False):
            _hook(stack)
        # else another thread is importing the stack right now: importing its hook here,
        # under the lock, would wait for that import, which may be waiting for the lock.
    if later:
        post_import.watch(later, _hook_imported)


def _hook(stack: str) -> None:
    name = STACKS[stack][1]
    # sys.modules first: a test suite installs the hooks once per test, and import_module's
    # checks cost more than the hook. (Not cached here: pytester's in-process runs drop the
    # modules they imported, and a re-imported stack needs its hook module re-imported.)
    module = sys.modules.get(name) or importlib.import_module(name)
    _undo_hooks[stack] = module.install()


def _hook_imported(stack: str) -> None:
    # Called by the import system right after ``stack`` was first imported.
    with _lock:
        if _routes and stack not in _undo_hooks:
            _hook(stack)


def _uninstall_hooks() -> None:
    post_import.unwatch()
    # Undone in reverse order of installation, so hooks that wrap each other (httpx aliased
    # to httpx2 by ``httpx2.alias_httpx()``) unwind as they were stacked.
    for stack in reversed(list(_undo_hooks)):
        _undo_hooks.pop(stack)()
