"""A conformant mock OAuth 2.0 client-credentials authorization server and protected API."""

from .clock import Clock, ManualClock, SystemClock
from .errors import BearerError, MockProviderError, OAuthError
from .faults import Fault
from .provider import DEFAULT_ISSUER, IssuedToken, MockProvider, RegisteredClient, Resource
from .quirks import Quirks
from .recording import RecordedRequest, fingerprint
from .server import ProviderServer

__all__ = [
    "DEFAULT_ISSUER",
    "BearerError",
    "Clock",
    "Fault",
    "IssuedToken",
    "ManualClock",
    "MockProvider",
    "MockProviderError",
    "OAuthError",
    "ProviderServer",
    "Quirks",
    "RecordedRequest",
    "RegisteredClient",
    "Resource",
    "SystemClock",
    "fingerprint",
]
