"""Old import path of the request log and redaction; see :mod:`mock_provider.state.log`
and :mod:`mock_provider.protocol.redaction`.

Layering: re-exports only (public names kept at their old path)."""

from __future__ import annotations

from .protocol.redaction import fingerprint, redact_form, redact_headers, redact_query
from .state.log import RecordedRequest

__all__ = ["RecordedRequest", "fingerprint", "redact_form", "redact_headers", "redact_query"]
