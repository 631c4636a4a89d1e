"""Building token and revocation requests, and deciding where a token may go.

Client authentication follows RFC 6749 §2.3.1 exactly; host rules follow RFC 6750 §5.3
("Clients MUST always use TLS (https)") and the ``allowed_hosts`` list.
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import re
from collections.abc import Iterable, Mapping, Sequence
from urllib.parse import quote, urlencode

import httpx

from .errors import ClientConfigurationError

__all__ = [
    "AUTH_METHODS",
    "HostRules",
    "basic_authorization",
    "fingerprint",
    "form_body",
    "is_loopback",
    "require_https",
]

BASIC = "client_secret_basic"
POST = "client_secret_post"
AUTH_METHODS = (BASIC, POST)
# §4.4.2 and §2.3.1 own these; an extra parameter must not silently override them.
RESERVED_PARAMS = frozenset(
    {"grant_type", "client_id", "client_secret", "scope", "audience", "resource"}
)
# RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
_SCOPE_TOKEN = re.compile(r"[\x21\x23-\x5b\x5d-\x7e]+")


def fingerprint(value: str) -> str:
    """A short non-reversible name for a secret or token (same as the provider's)."""
    return "fp:" + hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:8]


def basic_authorization(client_id: str, client_secret: str, *, form_encode: bool = True) -> str:
    """The ``Authorization`` value for ``client_secret_basic``.

    §2.3.1: "The client identifier is encoded using the application/x-www-form-urlencoded
    encoding algorithm per Appendix B, and the encoded value is used as the username; the
    client password is encoded using the same algorithm and used as the password."
    ``form_encode=False`` sends them raw, for providers that do not decode them.

    A space is sent as ``%20`` rather than the form's ``+``: every form decoder reads both,
    while servers that only percent-decode (Authlib's ``extract_basic_authorization``
    uses ``unquote``) would read ``+`` as a literal plus and reject the secret.
    """
    if form_encode:
        client_id, client_secret = quote(client_id, safe=""), quote(client_secret, safe="")
    pair = f"{client_id}:{client_secret}".encode()
    return "Basic " + base64.b64encode(pair).decode("ascii")


def validate_scopes(scopes: Iterable[str]) -> tuple[str, ...]:
    """The scopes, de-duplicated in order, each checked against RFC 6749 §3.3.

    Raises:
        ClientConfigurationError: for a scope that is not a §3.3 scope-token.
    """
    if isinstance(scopes, str):
        raise ClientConfigurationError(
            f"scopes must be an iterable of scope strings, got the string {scopes!r}; "
            f"pass scopes={scopes.split()!r}"
        )
    out = tuple(dict.fromkeys(scopes))
    for scope in out:
        if not isinstance(scope, str) or not _SCOPE_TOKEN.fullmatch(scope):
            raise ClientConfigurationError(
                f"scope {scope!r} is not an RFC 6749 §3.3 scope-token (printable ASCII "
                "without spaces, '\"' or '\\'); pass each scope as its own string"
            )
    return out


def form_body(
    *,
    scopes: Sequence[str],
    audience: str | None,
    resources: Sequence[str],
    extra_params: Mapping[str, str],
    client_id: str | None = None,
    client_secret: str | None = None,
) -> bytes:
    """The §4.4.2 token request body (``client_id``/``client_secret`` for post auth)."""
    pairs: list[tuple[str, str]] = [("grant_type", "client_credentials")]
    if client_id is not None and client_secret is not None:
        pairs += [("client_id", client_id), ("client_secret", client_secret)]
    # §3.3: scope is "a list of space-delimited, case-sensitive strings"; omitted when empty,
    # because some providers (Azure AD) reject an empty scope parameter.
    if scopes:
        pairs.append(("scope", " ".join(scopes)))
    if audience is not None:
        pairs.append(("audience", audience))
    # RFC 8707 §2: "Multiple resource parameters MAY be used to indicate that the requested
    # token is intended to be used at multiple resources."
    pairs += [("resource", r) for r in resources]
    pairs += list(extra_params.items())
    return urlencode(pairs).encode("ascii")


def check_extra_params(extra_params: Mapping[str, str] | None) -> dict[str, str]:
    """The extra parameters as a dict of strings.

    Raises:
        ClientConfigurationError: for a reserved name or a non-string value.
    """
    out = dict(extra_params or {})
    clash = sorted(RESERVED_PARAMS & set(out))
    if clash:
        raise ClientConfigurationError(
            f"extra_params must not set {', '.join(clash)}: the client sends those itself; "
            "use the scopes=, audience=, resource= or auth_method= keywords"
        )
    for name, value in out.items():
        if not isinstance(name, str) or not isinstance(value, str):
            raise ClientConfigurationError(
                f"extra_params must map strings to strings, got {name!r}: {type(value).__name__}"
            )
    return out


def is_loopback(host: str) -> bool:
    """Whether ``host`` is ``localhost`` or a loopback address (127.0.0.0/8, ::1)."""
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def require_https(url: str, what: str, *, allow_insecure_http: bool) -> httpx.URL:
    """Parse ``url`` and refuse plain HTTP to anything but a loopback host.

    RFC 6749 §3.2: "the authorization server MUST require the use of TLS ... when sending
    requests to the token endpoint", since the request carries the client secret.

    Raises:
        ClientConfigurationError: for a relative URL, another scheme, or non-loopback HTTP.
    """
    parsed = httpx.URL(url)
    if parsed.scheme not in ("https", "http") or not parsed.host:
        raise ClientConfigurationError(f"{what} must be an absolute https:// URL, got {url!r}")
    if parsed.scheme == "http" and not allow_insecure_http and not is_loopback(parsed.host):
        raise ClientConfigurationError(
            f"{what} {url!r} uses plain HTTP; the request would carry the client secret in "
            "clear (RFC 6749 §3.2 requires TLS). Use https://, a loopback host, or "
            "allow_insecure_http=True for a private test network"
        )
    return parsed


class HostRules:
    """Which hosts may receive the token: exact names and ``*.domain`` subdomain patterns.

    ``*.example.com`` matches ``api.example.com`` and ``a.b.example.com`` but not
    ``example.com`` itself: the bare domain needs its own entry.
    """

    def __init__(self, allowed_hosts: Iterable[str] | None) -> None:
        self.exact: frozenset[str] | None = None
        self.suffixes: tuple[str, ...] = ()
        if allowed_hosts is None:
            return
        if isinstance(allowed_hosts, str):
            raise ClientConfigurationError(
                f"allowed_hosts must be a list of host names, got the string {allowed_hosts!r}"
            )
        exact, suffixes = set(), []
        for entry in allowed_hosts:
            host = entry.strip().lower().rstrip(".")
            if not host or "/" in host or (":" in host and not host.startswith("[")):
                raise ClientConfigurationError(
                    f"allowed_hosts entry {entry!r} is not a host name; give bare names like "
                    "'api.example.com' or '*.example.com' (no scheme, port or path)"
                )
            host = host.strip("[]")  # httpx gives IPv6 hosts without their brackets
            if host.startswith("*."):
                suffixes.append(host[1:])
            elif "*" in host:
                raise ClientConfigurationError(
                    f"allowed_hosts entry {entry!r}: '*' is only allowed as a leading '*.' label"
                )
            else:
                exact.add(host)
        self.exact, self.suffixes = frozenset(exact), tuple(suffixes)

    def allows(self, host: str) -> bool:
        """Whether a request to ``host`` may carry the token."""
        if self.exact is None:
            return True
        host = host.lower().rstrip(".")
        return host in self.exact or any(
            host.endswith(suffix) and len(host) > len(suffix) for suffix in self.suffixes
        )

    def describe(self) -> str:
        """The allowed hosts, one per line, for error messages."""
        names = sorted(self.exact or ()) + sorted("*" + s for s in self.suffixes)
        return "\n".join(f"  {name}" for name in names) or "  (none)"
