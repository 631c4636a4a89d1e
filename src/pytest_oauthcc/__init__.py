"""pytest-oauthcc: test OAuth 2.0 client-credentials connections against a conformant mock."""

__all__: list[str] = []
