"""The static rules of a connection file: what can be judged without sending a request
(placeholders, allowed domains, secrets in the wrong place), as findings.

Layering: imports ``config/`` and the standard library only; never ``steps/``, httpx or the
plugin.
"""

from __future__ import annotations

from .domains import domain_allowed, environment_contexts
from .findings import Finding
from .static import static_findings

__all__ = ["Finding", "domain_allowed", "environment_contexts", "static_findings"]
