"""``oauthcc serve`` / ``python -m mock_provider serve``: the mock provider as a process.

Layering: re-exports only; the command line lives in :mod:`.command` (arguments, the run loop,
the banner), :mod:`.clients` (the ``--client`` forms) and :mod:`.startup` (one-line start-up
errors).
"""

from __future__ import annotations

from .command import (
    DEMO_CLIENT,
    VersionAction,
    add_serve_arguments,
    demo,
    distribution_version,
    main,
    run_serve,
    serve,
)

__all__ = [
    "DEMO_CLIENT",
    "VersionAction",
    "add_serve_arguments",
    "demo",
    "distribution_version",
    "main",
    "run_serve",
    "serve",
]
