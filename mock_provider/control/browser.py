"""Browser safety of the control API: what a web page in the developer's browser cannot do.

Bound to loopback, the control API needs no token, so a page the developer has open could
otherwise script it: a CORS "simple" request (a ``text/plain`` or form-encoded POST, sent
without preflight) to ``/_mock/faults``, a foreign ``Origin``, or a DNS-rebinding name
pointing at 127.0.0.1 (a foreign ``Host``) reading ``/_mock/requests``. The rules are those
of trusted local dev servers (Vite's and webpack-dev-server's allowed hosts, Jupyter's
origin check):

* a write with a body must say ``Content-Type: application/json`` (415 otherwise): no
  simple request can carry that type;
* an ``Origin`` is refused (403) unless it is the control API's own (same scheme and
  ``Host``): browsers send ``Origin`` on every cross-origin request and every write
  (Fetch §3.1), tools send none;
* a ``Host`` that is neither a loopback name, the issuer's or the bound server's host, nor
  one the user allowed (``--allowed-host``) is refused (421), unless a control token is
  required (a rebinding page cannot know it, and a provider served beyond loopback is
  reached by whatever name its network gives it).

Tools on the machine (curl, any language's HTTP client: no ``Origin``, a loopback ``Host``)
work unchanged. The OAuth endpoints check none of this: their answers hold nothing of the
developer's, and real applications reach the mock by any name (a compose service, a
hosts-file entry) that the user should not have to list.

Layering: imports ``protocol`` and ``control.routes``; types against
:class:`~mock_provider.state.core.ProviderCore`.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from mock_provider.protocol.http import Request, is_loopback
from mock_provider.state.core import ProviderCore

from .routes import ControlError

__all__ = ["ANY_HOST", "check_browser_safety", "host_name"]

#: ``--allowed-host '*'``: accept any ``Host`` (behind a proxy that checks it itself).
ANY_HOST = "*"
_WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def host_name(host: str) -> str:
    """The name in a ``Host`` value (RFC 9110 §7.2), port and IPv6 brackets removed,
    lower-cased."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:].partition("]")[0]
    # RFC 3986 §3.2.3: port = *DIGIT (it may be empty).
    name, colon, port = host.rpartition(":")
    return name if colon and port.isascii() and (port.isdigit() or not port) else host


def check_browser_safety(core: ProviderCore, request: Request) -> None:
    """Refuse a control request a web page could have made.

    Raises:
        ControlError: 421 for a foreign ``Host``, 403 for a foreign ``Origin``, 415 for a
            write whose body is not declared JSON.
    """
    settings = core.control
    token_required = settings is not None and settings.token is not None
    allowed = settings.allowed_hosts if settings is not None else ()
    host = request.headers.get("Host") or request.host
    if not token_required and ANY_HOST not in allowed and not _known_host(core, host, allowed):
        raise ControlError(
            421,
            "misdirected_request",
            f"the control API does not answer for Host {host[:80]!r}: only loopback names "
            "and the provider's own host; allow another with --allowed-host NAME",
        )
    origin = request.headers.get("Origin")
    if origin is not None and origin.strip().lower() != f"{request.scheme}://{host}".lower():
        raise ControlError(
            403,
            "forbidden",
            f"the control API refuses requests from web pages (Origin {origin[:80]!r}); "
            "script it from a tool or a test, not a browser",
        )
    if request.method in _WRITES and request.body:
        content_type = request.headers.get("Content-Type")
        media = (content_type or "").partition(";")[0].strip().lower()
        # No Content-Type at all is what raw HTTP clients send; a browser sending none
        # also sends an Origin, refused above.
        if content_type is not None and media != "application/json":
            raise ControlError(
                415,
                "unsupported_media_type",
                f"control writes take 'Content-Type: application/json', got {media[:80]!r} "
                "(curl: add -H 'Content-Type: application/json')",
            )


def _known_host(core: ProviderCore, host: str, allowed: tuple[str, ...]) -> bool:
    name = host_name(host)
    if not name or is_loopback(name) or name in allowed:
        return True
    own = {host_name(urlsplit(url).netloc) for url in (core.settings.url, *core.served_urls)}
    return name in own
