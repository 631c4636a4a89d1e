"""The provider's own minimal HTTP model, shared by every way of reaching it.

Layering: pure; imports only the standard library. Everything else in mock_provider may
import it.

The in-process httpx transports, the respx route and the WSGI adapter each translate to and
from these two classes, so the protocol code runs the same way in every mode and the
in-process path pays for no WSGI environ round trip. :func:`is_loopback` says which hosts
name only this machine: where plain http or an unauthenticated control API is acceptable.
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from json import encoder as _json_encoder
from typing import Any, Protocol

__all__ = ["Headers", "Request", "Response", "Served", "is_loopback"]


def _compact_encoder() -> Callable[[Any], str]:
    """``json.dumps(payload, separators=(",", ":"))`` without its per-call set-up.

    ``JSONEncoder.encode`` builds a new C encoder for each call (a fresh table of the objects
    seen, to detect cycles); the one here is built once and keeps no state between calls, so
    the output is the same, byte for byte. A cyclic payload (only a user's resource or fault
    body can be one) raises ``RecursionError`` instead of ``ValueError``: either way the
    request is answered ``server_error``. Without the C accelerator, the standard path.
    """
    standard = json.JSONEncoder(separators=(",", ":"))
    # Not in the type stubs: the C accelerator json.encoder itself uses when present.
    make: Callable[..., Any] | None = getattr(_json_encoder, "c_make_encoder", None)
    if make is None:  # pragma: no cover - CPython always has it
        return standard.encode
    encode = make(
        None,  # no cycle check
        standard.default,
        _json_encoder.encode_basestring_ascii,  # ensure_ascii=True, as json.dumps
        None,  # no indent
        ":",
        ",",
        False,  # sort_keys
        False,  # skipkeys
        True,  # allow_nan
    )

    def dumps(payload: Any) -> str:
        if isinstance(payload, str):  # as JSONEncoder.encode: a bare string is one chunk
            return standard.encode(payload)
        return "".join(encode(payload, 0))

    return dumps


_dumps = _compact_encoder()


class Headers:
    """Case-insensitive, multi-valued request headers (names as sent are kept for display)."""

    __slots__ = ("_index", "_items", "_lowercase")

    def __init__(self, items: Iterable[tuple[str, str]] = (), *, lowercase: bool = False) -> None:
        """``lowercase``: every name is already lower-case (httpx hands them so), so the
        lookup index is built without lowering them again."""
        self._items = tuple(items)
        self._index: dict[str, str] | None = None
        self._lowercase = lowercase

    def get(self, name: str, default: str | None = None) -> str | None:
        """The first value of ``name``, or ``default``."""
        index = self._index
        if index is None:
            # Built on the first lookup (a request is asked for several fields on its way
            # through the provider): each name's first value, as the reversed pairs leave
            # it last written.
            pairs = reversed(self._items)
            lower = self._lowercase
            index = dict(pairs) if lower else {key.lower(): value for key, value in pairs}
            self._index = index
        return index.get(name.lower(), default)

    def get_all(self, name: str) -> list[str]:
        """Every value of ``name``, in order."""
        wanted = name.lower()
        return [value for key, value in self._items if key.lower() == wanted]

    def items(self) -> list[tuple[str, str]]:
        """The headers as sent: ``(name, value)`` pairs in order."""
        return list(self._items)

    @property
    def pairs(self) -> tuple[tuple[str, str], ...]:
        """:meth:`items` as the immutable tuple held (no copy: cheap to keep)."""
        return self._items

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.get(name) is not None

    def __repr__(self) -> str:
        return f"Headers({[k for k, _ in self._items]!r})"


@dataclass
class Request:
    """One HTTP request as the provider sees it.

    ``path`` is the percent-decoded path; ``query`` the raw query string; ``body`` the raw
    bytes.
    """

    method: str
    path: str
    query: str = ""
    headers: Headers = field(default_factory=Headers)
    body: bytes = b""
    scheme: str = "http"
    host: str = ""


@dataclass
class Response:
    """One HTTP response: status, header pairs and body bytes."""

    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""

    @classmethod
    def json(
        cls,
        status: int,
        payload: Any,
        headers: Mapping[str, str] | Iterable[tuple[str, str]] = (),
    ) -> Response:
        """A JSON response with ``Content-Type: application/json``."""
        # A plain dict is the usual case: told apart without the Mapping ABC's check.
        fields = (
            headers.items() if type(headers) is dict or isinstance(headers, Mapping) else headers
        )
        return cls(
            status, [("Content-Type", "application/json"), *fields], _dumps(payload).encode()
        )

    def header(self, name: str) -> str | None:
        """The first value of response header ``name``, or ``None``."""
        lname = name.lower()
        for key, value in self.headers:
            if key.lower() == lname:
                return value
        return None


class Served(Protocol):
    """What a socket server (or an in-process transport) serves: anything that answers a
    :class:`Request` and learns the URL it is served at (a provider adopts it as issuer)."""

    def handle(self, request: Request) -> Response:
        """Answer one request."""
        ...

    def bind_url(self, url: str) -> None:
        """Called once with the server's URL when it starts."""
        ...


def is_loopback(host: str) -> bool:
    """Whether ``host`` names only this machine.

    ``localhost`` and any ``*.localhost`` name (RFC 6761 §6.3: "Users are free to use
    localhost names as they would any other domain names" and they resolve to loopback),
    127.0.0.0/8 and ``::1``; brackets around an IPv6 literal are stripped and names are
    compared case-insensitively (RFC 4343).
    """
    name = host.strip().strip("[]").rstrip(".").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False
