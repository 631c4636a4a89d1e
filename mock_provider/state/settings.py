"""A provider's settings: its issuer, endpoint paths, token format, signing algorithm and
lifetime, realm.

Layering: imports ``protocol`` only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from mock_provider.protocol import rfc8414
from mock_provider.protocol.rfc9068 import ALGORITHM, access_token_alg_problem

__all__ = ["DEFAULT_ISSUER", "TOKEN_FORMATS", "Settings", "endpoint_path"]

DEFAULT_ISSUER = "https://mock-oauth.test"
TOKEN_FORMATS = ("opaque", "jwt")
# MockProvider's default endpoint paths, known to pass endpoint_path.
_CHECKED_PATHS = {
    "token": "/oauth/token",
    "revoke": "/oauth/revoke",
    "introspect": "/oauth/introspect",
    "jwks": "/jwks.json",
    "authorize": "/oauth/authorize",
}


def endpoint_path(path: str) -> str:
    """Check an endpoint path (relative to the issuer's path).

    Raises:
        ValueError: unless it starts with ``/``.
    """
    if not path.startswith("/"):
        raise ValueError(f"endpoint paths start with '/', got {path!r}")
    return path


@dataclass
class Settings:
    """What a provider was configured with; ``issuer`` is ``None`` until given or bound."""

    issuer: str | None = None
    expires_in: int = 3600
    token_format: str = "opaque"
    realm: str = "mock-oauth"
    basic_form_encoded: bool = True
    paths: dict[str, str] = field(default_factory=dict)
    access_token_alg: str = ALGORITHM

    def __post_init__(self) -> None:
        if self.token_format not in TOKEN_FORMATS:
            raise ValueError(
                f"token_format must be one of {TOKEN_FORMATS}, got {self.token_format!r}"
            )
        if (problem := access_token_alg_problem(self.access_token_alg)) is not None:
            raise ValueError(problem)
        lifetime = self.expires_in
        if isinstance(lifetime, bool) or not isinstance(lifetime, int) or lifetime < 0:
            raise ValueError(f"expires_in must be a whole number of seconds >= 0, got {lifetime!r}")
        if self.issuer:
            self.issuer = rfc8414.normalize_issuer(self.issuer)
        if self.paths != _CHECKED_PATHS:  # (every provider's set-up: the default paths)
            for path in self.paths.values():
                endpoint_path(path)
        self.paths = dict(self.paths)  # the settings' own

    @property
    def url(self) -> str:
        """The issuer URL (no trailing slash)."""
        return self.issuer or DEFAULT_ISSUER

    def bind_url(self, url: str) -> None:
        """Adopt a server's URL as the issuer unless one was given explicitly."""
        if self.issuer is None:
            self.issuer = rfc8414.normalize_issuer(url)

    def endpoint_url(self, name: str) -> str:
        """The URL of the endpoint ``name`` (``token``, ``revoke``, ...)."""
        return self.url + self.paths[name]

    @property
    def metadata_path(self) -> str:
        """The RFC 8414 §3.1 well-known path of the metadata document."""
        return rfc8414.metadata_path(self.url)

    @property
    def metadata_url(self) -> str:
        """The RFC 8414 metadata document, at the §3.1 well-known location."""
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.netloc}{self.metadata_path}"
