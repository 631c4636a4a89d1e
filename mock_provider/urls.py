"""The facade's addresses: the issuer, every endpoint URL and the discovery documents.

A mixin of :class:`~mock_provider.MockProvider`, kept apart so the facade stays one screen of
verbs; every URL is computed from the provider's settings when asked (a server bound later
changes them all).

Layering: imports ``protocol`` and ``state`` only; the facade is its one user.
"""

from __future__ import annotations

from mock_provider.protocol import oidc_discovery
from mock_provider.state.core import ProviderCore

__all__ = ["ProviderURLs"]


class ProviderURLs:
    """The URL properties of a provider whose state is ``self.core``."""

    core: ProviderCore

    @property
    def paths(self) -> dict[str, str]:
        """The endpoint paths by name (``token``, ``revoke``, ``introspect``, ``jwks``)."""
        return dict(self.core.settings.paths)

    @property
    def url(self) -> str:
        """The issuer URL (no trailing slash)."""
        return self.core.settings.url

    issuer = url  # the ``iss`` of tokens and metadata

    def bind_url(self, url: str) -> None:
        """Adopt a server's URL as the issuer unless one was given (``Served``)."""
        self.core.bind_url(url)

    @property
    def token_url(self) -> str:
        """The token endpoint (RFC 6749 §3.2)."""
        return self.core.settings.endpoint_url("token")

    @property
    def revocation_url(self) -> str:
        """The revocation endpoint (RFC 7009)."""
        return self.core.settings.endpoint_url("revoke")

    @property
    def introspection_url(self) -> str:
        """The introspection endpoint (RFC 7662)."""
        return self.core.settings.endpoint_url("introspect")

    @property
    def me_url(self) -> str:
        """The protected "me" API (RFC 6750)."""
        return self.resource_url("me")

    @property
    def jwks_url(self) -> str:
        """The JSON Web Key Set (served in JWT mode)."""
        return self.core.settings.endpoint_url("jwks")

    @property
    def metadata_url(self) -> str:
        """The RFC 8414 metadata document, at the §3.1 well-known location."""
        return self.core.settings.metadata_url

    def resource_url(self, name: str) -> str:
        """The URL of the protected resource registered as ``name``."""
        return self.url + self.core.registry.resource(name).path

    def routes(self) -> dict[str, str]:
        """Every served path (as requested on the wire) mapped to its endpoint name."""
        return self.core.routes()

    @property
    def authorization_url(self) -> str:
        """The authorization endpoint, which refuses every request (RFC 6749 §4.1.2.1)."""
        return self.core.settings.endpoint_url("authorize")

    @property
    def openid_configuration_url(self) -> str:
        """The OpenID Connect Discovery 1.0 document (§4: appended to the issuer)."""
        return oidc_discovery.openid_configuration_url(self.url)

    def resource_metadata_url(self, name: str = "me") -> str:
        """The RFC 9728 metadata URL of the protected resource ``name`` (§3.1)."""
        return self.core.resource_metadata_url(self.core.registry.resource(name))
