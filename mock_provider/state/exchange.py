"""The raw facts of one exchange, kept until the request log is read.

Building the redacted, truncated :class:`~.recorded.RecordedRequest` costs several times what
keeping the request's own fields does, and most logs are never read in full (a test reads a
few records, a benchmark none); so the request handler appends an :data:`Exchange` and the
log builds the record on its first read (:func:`record_of`). An exchange too large to keep
raw (it would hold values the record truncates) is recorded at once (:func:`is_small`), so
the ring's memory stays bounded as before.

An exchange is a plain tuple of strings, numbers and tuples of them: the cheapest object to
build, and one the garbage collector stops tracking once it has seen it, so a long log costs
the collector nothing. It holds what was sent as sent (client secrets, tokens), so
it never leaves the log, whose reading surfaces only ever show records.

Layering: imports ``protocol`` and ``state.recorded`` only.
"""

from __future__ import annotations

from itertools import chain

from mock_provider.protocol.redaction import redact_form, redact_headers, redact_query

from .recorded import MAX_VALUE, RecordedRequest, bounded

__all__ = ["Exchange", "is_small", "record_of", "redacted"]

#: One exchange, in this order: time (provider clock), endpoint name, method, path, status,
#: query string, header pairs, form pairs (``None`` when no form was parsed), client_id,
#: auth_method, token fingerprint, error code, fault id, and the header fields and query
#: parameters the resources took their tokens in when it arrived (fingerprinted, like
#: ``Authorization``).
Exchange = tuple[
    float,
    str | None,
    str,
    str,
    int,
    str,
    tuple[tuple[str, str], ...],
    tuple[tuple[str, str], ...] | None,
    str | None,
    str | None,
    str | None,
    str | None,
    int | None,
    tuple[str, ...],
    tuple[str, ...],
]

# An exchange whose text (path, query, header fields, form) is longer than this is recorded
# at once: kept raw, it would hold values the record truncates.
_RAW_BUDGET = 4 * MAX_VALUE


def is_small(exchange: Exchange) -> bool:
    """Whether ``exchange`` is small enough to keep raw."""
    path, query, headers, form = exchange[3], exchange[5], exchange[6], exchange[7] or ()
    # A join (in C) is cheaper than summing the lengths of the parts.
    size = len(path) + len(query) + len("".join(chain.from_iterable(chain(headers, form))))
    return size <= _RAW_BUDGET


def record_of(exchange: Exchange) -> RecordedRequest:
    """The redacted, truncated record of ``exchange``."""
    return bounded(redacted(exchange))


def redacted(exchange: Exchange) -> RecordedRequest:
    """The redacted record of ``exchange``, values not yet truncated."""
    (
        time,
        endpoint,
        method,
        path,
        status,
        query,
        headers,
        form,
        client_id,
        auth_method,
        token,
        error,
        fault,
        token_headers,
        token_params,
    ) = exchange
    return RecordedRequest(
        time=time,
        endpoint=endpoint,
        method=method,
        path=path,
        status=status,
        query=redact_query(query, token_params) if query else {},
        headers=redact_headers(headers, token_headers),
        form=redact_form(dict(form)) if form is not None else {},
        client_id=client_id,
        auth_method=auth_method,
        token=token,
        error=error,
        fault=fault,
    )
