"""The keyword options of ``add_fault`` and ``set_quirks`` as ``TypedDict`` s, so a type
checker and an IDE know them (``**options: Unpack[FaultOptions]``, PEP 692).

The definitions stay the dataclass fields of :class:`~mock_provider.faults.fault.Fault` and
:class:`~mock_provider.faults.quirks.Quirks` (one vocabulary, read by every surface); these
are their typed view for Python callers, and ``tests/faults/test_keywords.py`` holds the
names of the two equal. At run time an unknown keyword is still Python's own ``TypeError``.

Layering: imports only the standard library.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypedDict

__all__ = ["FaultOptions", "QuirkOptions"]


class FaultOptions(TypedDict, total=False):
    """What ``add_fault(endpoint, **options)`` takes besides the endpoint."""

    times: int | None
    every: int | None
    client_id: str | None
    status: int | None
    error: str | None
    error_description: str | None
    headers: Mapping[str, str]
    body: str | bytes | dict[str, Any] | None
    content_type: str | None
    retry_after: int | str | None
    delay: float
    drop: bool
    malformed: str | None


class QuirkOptions(TypedDict, total=False):
    """What ``set_quirks(**quirks)`` takes."""

    expires_in_as: str | None
    claimed_expires_in: int | None
    expires_at: str | None
    lifetime_ms: bool
    token_type: str | None
    nest_under: str | None
    extra_fields: Mapping[str, Any]
    narrow_scope: Iterable[str] | None
    sticky_token: bool
    form_encoded_response: bool
    response_charset: bool
    reject_request_charset: bool
