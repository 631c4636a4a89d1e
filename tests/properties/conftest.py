"""Hypothesis profiles for the property suites, chosen by ``HYPOTHESIS_PROFILE``.

``ci`` (the default) is small, derandomized and database-free, so CI runs are fast and
the same every time; ``thorough`` is for hunting locally (``HYPOTHESIS_PROFILE=thorough``).
No deadline in either: a busy CI machine is not a failing example.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("thorough", max_examples=1000, deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
