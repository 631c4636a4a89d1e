"""The pytest plugin (entry point ``oauthcc``): options, markers, fixtures and hooks.

Kept cheap to import: heavy modules load inside the fixtures that need them.
"""

from __future__ import annotations
