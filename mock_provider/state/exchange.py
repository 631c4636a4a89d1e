"""The raw facts of one exchange, kept until the request log is read.

Building the redacted, truncated :class:`~.log.RecordedRequest` costs several times what
keeping the request's own fields does, and most logs are never read in full (a test reads a
few records, a benchmark none); so the request handler records an :class:`Exchange` and the
log builds the record on its first read. :func:`record` decides: an exchange too large to keep
raw (it would hold values the record truncates) is recorded at once, so the ring's memory
stays bounded as before. An exchange holds only strings, numbers, tuples and a plain dict of
strings (never the request's own objects), which the garbage collector stops tracking: a
long log costs the collector no more than the records did.

Layering: imports ``protocol`` and ``state.log`` only.
"""

from __future__ import annotations

from itertools import chain

from mock_provider.protocol.redaction import redact_form, redact_headers, redact_query

from .log import MAX_VALUE, RecordedRequest, RequestLog, bounded

__all__ = ["Exchange", "record"]

# An exchange whose text (path, query, header fields, form) is longer than this is recorded
# at once: kept raw, it would hold values the record truncates.
_RAW_BUDGET = 4 * MAX_VALUE


class Exchange:
    """The raw facts of one request and its answer, as the request handler saw them.

    It holds what was sent as sent (client secrets, tokens), so it never leaves the log:
    :meth:`record` turns it into the redacted, truncated :class:`RecordedRequest` that every
    reading surface shows, and its ``repr`` names only the method and endpoint.
    ``token_headers`` and ``token_params`` are where the provider's resources took their
    tokens when the request arrived (recorded as fingerprints, like ``Authorization``).
    """

    __slots__ = (
        "auth_method",
        "client_id",
        "endpoint",
        "error",
        "fault",
        "form",
        "headers",
        "method",
        "path",
        "query",
        "status",
        "time",
        "token",
        "token_headers",
        "token_params",
    )

    def __init__(
        self,
        time: float,
        endpoint: str | None,
        method: str,
        path: str,
        status: int,
        query: str,
        headers: tuple[tuple[str, str], ...],
        form: dict[str, str] | None,
        client_id: str | None,
        auth_method: str | None,
        token: str | None,
        error: str | None,
        fault: int | None,
        token_headers: tuple[str, ...] = (),
        token_params: tuple[str, ...] = (),
    ) -> None:
        self.time, self.endpoint, self.method, self.path = time, endpoint, method, path
        self.status, self.query, self.headers, self.form = status, query, headers, form
        self.client_id, self.auth_method, self.token = client_id, auth_method, token
        self.error, self.fault = error, fault
        self.token_headers, self.token_params = token_headers, token_params

    def size(self) -> int:
        """How many characters of request text this exchange keeps raw."""
        form = self.form or {}
        # One join each (in C) is cheaper than summing the lengths of the parts.
        return (
            len(self.path)
            + len(self.query)
            + len("".join(chain.from_iterable(self.headers)))
            + len("".join(chain(form, form.values())))
        )

    def record(self) -> RecordedRequest:
        """The redacted, truncated record of this exchange."""
        return bounded(self.redacted())

    def redacted(self) -> RecordedRequest:
        """The redacted record of this exchange, values not yet truncated."""
        query = self.query
        return RecordedRequest(
            time=self.time,
            endpoint=self.endpoint,
            method=self.method,
            path=self.path,
            status=self.status,
            query=redact_query(query, self.token_params) if query else {},
            headers=redact_headers(self.headers, self.token_headers),
            form=redact_form(self.form) if self.form is not None else {},
            client_id=self.client_id,
            auth_method=self.auth_method,
            token=self.token,
            error=self.error,
            fault=self.fault,
        )

    def __repr__(self) -> str:
        return f"<Exchange {self.method} [{self.endpoint}], not yet recorded>"


def record(log: RequestLog, exchange: Exchange) -> None:
    """Append ``exchange`` to ``log``: raw, or its record at once when it is large."""
    if exchange.size() > _RAW_BUDGET:
        log.append(exchange.redacted())  # the log truncates it
    else:
        log.append_pending(exchange)
