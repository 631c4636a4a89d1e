"""HTTP/1.1 framing per request: h11 against the server's hand-written path and http.server's.

``python bench/framing.py`` parses one token request head and serialises its answer, in a
tight loop, three ways, and prints microseconds per request (median of 7 runs):

* h11 (the RFC 9112 state machine httpcore and uvicorn use): ``receive_data`` +
  ``next_event`` up to ``EndOfMessage``, ``send`` of Response, Data and EndOfMessage,
  ``start_next_cycle``;
* the provider's framing (:mod:`mock_provider.transport.framing`): ``parse_head``,
  ``content_length``, ``serialize``;
* ``http.server``'s header parsing (``http.client.parse_headers``, :mod:`email.parser`),
  which the keep-alive floor of part 2 pays on every request.

It answers the question of issue 16: could the server use h11 and still reach 0.7x of the
keep-alive ``http.server`` floor? Not a timed test; see docs/performance.md.
"""

from __future__ import annotations

import base64
import http.client
import io
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import h11

from mock_provider.transport.framing import content_length, parse_head, serialize

BODY = b"grant_type=client_credentials"
AUTH = "Basic " + base64.b64encode(b"bench:bench-secret").decode()
HEAD = (
    f"POST /oauth/token HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nAccept: */*\r\n"
    f"Accept-Encoding: gzip, deflate\r\nConnection: keep-alive\r\nUser-Agent: python-httpx/0.28\r\n"
    f"Authorization: {AUTH}\r\nContent-Type: application/x-www-form-urlencoded\r\n"
    f"Content-Length: {len(BODY)}"
).encode()
ANSWER = b'{"access_token":"' + b"t" * 43 + b'","token_type":"Bearer","expires_in":3600}'
FIELDS = [
    ("Content-Type", "application/json"),
    ("Cache-Control", "no-store"),
    ("Pragma", "no-cache"),
    ("Content-Length", str(len(ANSWER))),
]
REQUEST = HEAD + b"\r\n\r\n" + BODY


def with_h11() -> None:
    """One request and its answer through an h11 server connection."""
    conn = h11.Connection(h11.SERVER)
    conn.receive_data(REQUEST)
    while type(conn.next_event()) is not h11.EndOfMessage:
        pass
    conn.send(h11.Response(status_code=200, headers=FIELDS))
    conn.send(h11.Data(data=ANSWER))
    conn.send(h11.EndOfMessage())
    conn.start_next_cycle()


def with_framing() -> None:
    """The same through the provider's own framing."""
    head = parse_head(HEAD)
    lengths = [value for name, value in head.fields if name.lower() == "content-length"]
    content_length(lengths)
    serialize(200, FIELDS, ANSWER)


def with_http_server() -> None:
    """http.server's part of the same: the request line split and the header parse."""
    request_line, _, rest = REQUEST.partition(b"\r\n")
    request_line.decode("iso-8859-1").split()
    http.client.parse_headers(io.BytesIO(rest))


def per_request(function: Callable[[], None], count: int = 20_000) -> float:
    """Median microseconds per call over 7 runs of ``count`` calls."""
    samples = []
    for _ in range(7):
        start = time.perf_counter()
        for _ in range(count):
            function()
        samples.append((time.perf_counter() - start) / count * 1e6)
    return statistics.median(samples)


def main() -> int:
    """Print the three timings as a markdown table."""
    print("| framing path (parse + serialise one token request) | µs per request |")
    print("|---|---|")
    for name, function in (
        (f"h11 {h11.__version__}", with_h11),
        ("mock_provider.transport.framing", with_framing),
        ("http.server header parsing only (email.parser)", with_http_server),
    ):
        print(f"| {name} | {per_request(function):.1f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
