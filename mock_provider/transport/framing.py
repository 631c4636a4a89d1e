"""HTTP/1.1 message framing (RFC 9112), by hand: a request head in, an answer's bytes out.

Written for the loopback server (:mod:`.connection`) instead of ``http.server``'s parser
(which goes through :mod:`email.parser`) or h11: both cost more per request than the whole
budget of the server (measured in ``docs/performance.md``). What is hand-written here is
small and strict: every rule cites its section, and anything outside it is a
:class:`Refused` (answered with JSON and the connection closed), never an exception that
escapes.

Every read is bounded twice: by size (:data:`MAX_HEAD`, :data:`MAX_BODY`) and by a
*deadline* for the whole request (head and body), not per read, so a client sending one
byte a second cannot hold a thread forever.

Layering: pure standard library over a socket; imports nothing of the provider.
"""

from __future__ import annotations

import math
import re
import socket
import time
from dataclasses import dataclass
from email.utils import formatdate
from http import HTTPStatus

__all__ = [
    "MAX_BODY",
    "MAX_HEAD",
    "MAX_HEADERS",
    "Closed",
    "Head",
    "Reader",
    "Refused",
    "RequestTimeout",
    "content_length",
    "parse_head",
    "serialize",
]

#: The largest request body accepted (1 MiB); a larger one is refused with 413.
MAX_BODY = 1 << 20
#: The largest request head (request line and header fields) accepted; larger is 431.
MAX_HEAD = 128 << 10
#: The most header fields one request may carry; more is 431.
MAX_HEADERS = 100
_TOO_LARGE = "the request body is over 1 MiB"

# RFC 9110 §5.6.2: token = 1*tchar (methods and field names).
_TOKEN = re.compile(rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
# RFC 9112 §2.3: HTTP-version = "HTTP" "/" DIGIT "." DIGIT (case-sensitive).
_VERSION = re.compile(rb"HTTP/([0-9])\.([0-9])")
# RFC 9112 §3.2: a request-target is visible ASCII (obs-text tolerated, decoded as latin-1).
_BAD_TARGET = re.compile(rb"[\x00-\x20\x7f]")
# RFC 9112 §5: field-line = field-name ":" OWS field-value OWS, each line CRLF (or LF);
# RFC 9110 §5.5: CR, LF and NUL are never valid in a field value.
_FIELDS = re.compile(rb"(?:[!#$%&'*+\-.^_`|~0-9A-Za-z]+:[^\r\n\x00]*\r?\n)*")
# RFC 9112 §2.2: a line ends in CRLF; a bare LF is accepted as its terminator.
_HEAD_END = re.compile(rb"\r?\n\r?\n")
_CHUNK_SIZE = re.compile(rb"[0-9A-Fa-f]{1,8}")
_DIGITS = re.compile(r"[0-9]{1,16}")
_MAX_TRAILERS = 100


class Refused(Exception):
    """A request the server cannot read: answered with ``status`` and the connection closed."""

    def __init__(self, status: HTTPStatus, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


class RequestTimeout(Exception):
    """The request (head and body) did not arrive before its deadline."""


class Closed(Exception):
    """The client closed the connection between requests (nothing to answer)."""


@dataclass
class Head:
    """A parsed request head: method, raw target, version and the fields as sent."""

    method: str
    target: str
    version: str
    fields: list[tuple[str, str]]


class Reader:
    """Buffered reads from one socket, each bounded by :attr:`deadline` (monotonic time)."""

    __slots__ = ("_timeout", "buffer", "deadline", "sock")

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buffer = bytearray()
        self.deadline = math.inf
        self._timeout = -1.0

    def wait(self, idle_timeout: float) -> bool:
        """Wait up to ``idle_timeout`` for the first byte of the next request; ``False``
        when the client closed or stayed idle (the connection is then closed quietly)."""
        if self.buffer:
            return True
        if self._timeout != idle_timeout:  # settimeout() costs two fcntl calls
            self.sock.settimeout(idle_timeout)
            self._timeout = idle_timeout
        try:
            data = self.sock.recv(65536)
        except TimeoutError:
            return False
        self.buffer += data
        return bool(data)

    def _fill(self) -> bool:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise RequestTimeout
        self.sock.settimeout(remaining)
        self._timeout = remaining
        try:
            data = self.sock.recv(65536)
        except TimeoutError:
            raise RequestTimeout from None
        self.buffer += data
        return bool(data)

    def read_head(self) -> bytes:
        """The request head, up to (not including) its empty line, consumed."""
        buffer = self.buffer
        scanned = 0
        while True:
            # RFC 9112 §2.2: a server SHOULD ignore at least one empty line (CRLF) received
            # prior to the request-line (old clients send one after a POST body).
            if buffer and buffer[0] in (13, 10):  # CR, LF
                kept = buffer.lstrip(b"\r\n")
                del buffer[: len(buffer) - len(kept)]
                scanned = 0
            end = _HEAD_END.search(buffer, max(0, scanned - 3))
            if end is not None and end.start() > 0:
                head = bytes(buffer[: end.start()])
                del buffer[: end.end()]
                return head
            scanned = len(buffer)
            if scanned > MAX_HEAD:
                raise Refused(
                    HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "the request head is over 128 KiB"
                )
            if not self._fill():
                if buffer:
                    raise Refused(HTTPStatus.BAD_REQUEST, "the request head ended unfinished")
                raise Closed

    def read_exact(self, size: int) -> bytes:
        """Exactly ``size`` bytes (a body of known length)."""
        buffer = self.buffer
        while len(buffer) < size:
            if not self._fill():
                raise Refused(HTTPStatus.BAD_REQUEST, "the request body ended before its length")
        data = bytes(buffer[:size])
        del buffer[:size]
        return data

    def read_line(self, limit: int) -> bytes:
        """One line, its terminator stripped; a line over ``limit`` bytes is refused."""
        buffer = self.buffer
        scanned = 0
        while True:
            end = buffer.find(b"\n", scanned)
            if end >= 0:
                line = bytes(buffer[:end])
                del buffer[: end + 1]
                return line[:-1] if line.endswith(b"\r") else line
            scanned = len(buffer)
            if scanned > limit:
                raise Refused(HTTPStatus.BAD_REQUEST, "a chunk line is too long")
            if not self._fill():
                raise Refused(HTTPStatus.BAD_REQUEST, "the chunked request body is truncated")

    def read_chunked(self) -> bytes:
        """De-chunk a body (RFC 9112 §7.1), bounded by :data:`MAX_BODY`."""
        body = bytearray()
        while True:
            # RFC 9112 §7.1.1: chunk extensions (";name=value") are ignored.
            size_text = self.read_line(1024).split(b";", 1)[0].strip(b" \t")
            if not _CHUNK_SIZE.fullmatch(size_text):
                raise Refused(HTTPStatus.BAD_REQUEST, "a chunk size is not valid hexadecimal")
            size = int(size_text, 16)
            if size == 0:
                break
            if len(body) + size > MAX_BODY:
                raise Refused(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, _TOO_LARGE)
            body += self.read_exact(size)
            if self.read_line(2) != b"":
                raise Refused(HTTPStatus.BAD_REQUEST, "the chunked request body is truncated")
        # RFC 9112 §7.1.2: an optional trailer section (ignored), ended by an empty line.
        for _ in range(_MAX_TRAILERS):
            if self.read_line(MAX_HEAD) == b"":
                return bytes(body)
        raise Refused(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "too many trailer fields")


def parse_head(head: bytes) -> Head:
    """Parse a request head (RFC 9112 §3, §5).

    Raises:
        Refused: 400 for a malformed request line or field, 505 for an HTTP version other
            than 1.x, 431 for more than :data:`MAX_HEADERS` fields.
    """
    line, newline, block = head.partition(b"\n")
    # RFC 9112 §3: request-line = method SP request-target SP HTTP-version; recipients may
    # split on whitespace.
    words = line.split()
    if len(words) != 3:
        # RFC 9112 §2.3 (and Appendix C.1): a request line without a version is HTTP/0.9,
        # whose answer would have no status line: refused, never answered as a bare body
        # (which would desync a connection the client means to keep alive).
        raise Refused(HTTPStatus.BAD_REQUEST, "the request line is not 'METHOD target HTTP/1.1'")
    method, target, version = words
    matched = _VERSION.fullmatch(version)
    if matched is None:
        raise Refused(HTTPStatus.BAD_REQUEST, "the request line has no valid HTTP version")
    if matched.group(1) != b"1":
        raise Refused(HTTPStatus.HTTP_VERSION_NOT_SUPPORTED, "only HTTP/1.0 and 1.1 are served")
    if not _TOKEN.fullmatch(method):
        raise Refused(HTTPStatus.BAD_REQUEST, "the request method is not a token")
    if _BAD_TARGET.search(target):
        raise Refused(HTTPStatus.BAD_REQUEST, "the request target has control characters")
    fields: list[tuple[str, str]] = []
    if newline:
        block += b"\n"
        if block.count(b"\n") > MAX_HEADERS:
            raise Refused(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "over 100 header fields")
        # One C-speed pass checks every field line: RFC 9112 §5.1 (a token, then a colon
        # with no whitespace before it), RFC 9110 §5.5 (no CR, LF or NUL in a value).
        if not _FIELDS.fullmatch(block):
            raise Refused(HTTPStatus.BAD_REQUEST, _field_problem(block))
        # Every CR left ends a line (the pattern allows no other), so dropping them is safe.
        text = block.replace(b"\r", b"").decode("latin-1")
        fields = [
            (name, value.strip(" \t"))
            for name, _, value in (item.partition(":") for item in text.split("\n")[:-1])
        ]
    minor = "1" if matched.group(2) != b"0" else "0"
    return Head(method.decode("ascii"), target.decode("latin-1"), f"HTTP/1.{minor}", fields)


def _field_problem(block: bytes) -> str:
    """Why a field block does not match (only computed for a refusal)."""
    for line in block.split(b"\n")[:-1]:
        # RFC 9112 §5.2: obsolete line folding in a request is refused with 400.
        if line[:1] in (b" ", b"\t"):
            return "a header field is folded (obs-fold)"
        if b"\x00" in line or b"\r" in line.removesuffix(b"\r"):
            return "a header field value has CR, LF or NUL"
    return "a header field is not 'name: value'"


def content_length(values: list[str]) -> int:
    """The body length a request's ``Content-Length`` values state (RFC 9112 §6.3).

    Raises:
        Refused: 400 for values that differ or are not plain ASCII digits (``str.isdigit``
            would let ``²`` through, which ``int`` then refuses), 413 over :data:`MAX_BODY`.
    """
    distinct = {value.strip() for value in values}
    raw = distinct.pop()
    if distinct or not raw.isascii():
        # RFC 9112 §6.3 (5): an invalid Content-Length is an unrecoverable framing error.
        raise Refused(HTTPStatus.BAD_REQUEST, "the Content-Length header is not valid")
    if not _DIGITS.fullmatch(raw):
        if raw.isdigit():  # more than 16 digits: far over the limit
            raise Refused(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, _TOO_LARGE)
        raise Refused(HTTPStatus.BAD_REQUEST, "the Content-Length header is not valid")
    length = int(raw)
    if length > MAX_BODY:
        raise Refused(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, _TOO_LARGE)
    return length


_REASONS = {status.value: status.phrase for status in HTTPStatus}
_date: tuple[int, str] = (0, "")


def _http_date() -> str:
    # RFC 9110 §6.6.1: an origin server with a clock sends Date; one string per second.
    global _date
    now = int(time.time())
    if _date[0] != now:
        _date = (now, formatdate(now, usegmt=True))
    return _date[1]


def serialize(status: int, fields: list[tuple[str, str]], body: bytes) -> bytes:
    """An answer's bytes: status line, ``Server`` and ``Date``, the fields, the body."""
    lines = [
        f"HTTP/1.1 {status} {_REASONS.get(status, '')}\r\n"
        f"Server: mock-oauth-provider\r\nDate: {_http_date()}\r\n"
    ]
    lines += [f"{name}: {value}\r\n" for name, value in fields]
    lines.append("\r\n")
    # Field values the provider writes are ASCII; a scripted fault's may not be (latin-1,
    # anything else replaced, rather than a traceback).
    return "".join(lines).encode("latin-1", "replace") + body
