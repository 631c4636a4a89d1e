"""The implementation of :mod:`pytest_oauthcc.strategies` (import from there, not here)."""
