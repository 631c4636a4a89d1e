"""The options of the ``oauth_provider`` marker: one keyword-only object, merged closest-wins.

Kept free of heavy imports: :mod:`pytest_oauthcc.plugin` builds the marker's help text from
this signature at start-up, so the text can never drift from what the marker accepts.

Layering: part of the plugin, the top layer: may import pytest, the client, the connection
checker and what :mod:`mock_provider` exports; nothing outside ``plugin/`` imports it.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

__all__ = ["MARKER", "ProviderOptions", "default_options", "marker_signature", "merge_markers"]

MARKER = "oauth_provider"
TOKEN_FORMATS = ("opaque", "jwt")
CLOCKS = ("manual", "process")


@dataclass(frozen=True, kw_only=True)
class ProviderOptions:
    """What ``@pytest.mark.oauth_provider(...)`` may set; every option is keyword-only.

    Attributes:
        clients: extra clients besides the demo one: ``{"id": "secret", ...}``, or a list of
            dicts of :meth:`~mock_provider.MockProvider.add_client` arguments
            (``client_id``, ``client_secret``, ``scopes``, ``expires_in``, ...).
        scopes: the scopes of the demo client and of clients given as ``{"id": "secret"}``.
        expires_in: the provider's default token lifetime in seconds.
        token_format: ``"opaque"`` or ``"jwt"`` (RFC 9068).
        access_token_alg: the JWS algorithm of JWT access tokens: ``"RS256"`` (RFC 9068
            §2.1's required one), RS384/RS512, PS256/PS384/PS512, ES256/ES384/ES512 or
            EdDSA (Ed25519).
        issuer: the issuer URL of ``oauth_provider`` (``oauth_server``'s is its own URL), or
            a path such as ``"/tenant"`` that puts the issuer under the provider's address
            (for both fixtures: ``oauth_server.url`` then ends with ``/tenant``).
        quirks: a dict of :meth:`~mock_provider.MockProvider.set_quirks` arguments (it may
            name a ``client_id``), or a list of such dicts.
        faults: a list of dicts of :meth:`~mock_provider.MockProvider.add_fault` arguments,
            queued in order before the test starts.
        clock: ``"manual"`` (the provider's clock moves only when the test advances it) or
            ``"process"``: ``clock.advance()`` also moves the wall clock the whole process
            reads (``time.time()``, ``datetime.now()``), so third-party clients that judge
            expiry themselves see it; the monotonic clock stays real. Needs time-machine
            (``pip install 'pytest-oauthcc[clock]'``).
        clock_start: the provider's clock start, in seconds since the epoch.
        tls: serve ``oauth_server`` over HTTPS with a throwaway CA (``ca_path``).
        max_requests: how many requests the provider's log keeps (the oldest are dropped).
        assert_all_faults_fired: fail the test when a queued fault never fired.
        assert_all_requests_matched: fail the test when a request matched no endpoint.
        assert_no_provider_errors: fail the test when the provider itself failed (a 500
            ``server_error`` that no fault asked for).
    """

    clients: Mapping[str, str] | Sequence[Mapping[str, Any]] | None = None
    scopes: Sequence[str] = ()
    expires_in: int = 3600
    token_format: str = "opaque"
    access_token_alg: str = "RS256"
    issuer: str | None = None
    quirks: Mapping[str, Any] | Sequence[Mapping[str, Any]] | None = None
    faults: Sequence[Mapping[str, Any]] = ()
    clock: str = "manual"
    clock_start: float | None = None
    tls: bool = False
    max_requests: int = 10_000
    assert_all_faults_fired: bool = True
    assert_all_requests_matched: bool = True
    assert_no_provider_errors: bool = True

    def __post_init__(self) -> None:
        problems = []
        if self.token_format not in TOKEN_FORMATS:
            problems.append(f"token_format must be 'opaque' or 'jwt', got {self.token_format!r}")
        # The provider's own vocabulary and message (imported here, at a test's set-up:
        # importing the plugin stays free of mock_provider).
        from mock_provider.protocol import access_token_alg_problem

        if (alg_problem := access_token_alg_problem(self.access_token_alg)) is not None:
            problems.append(alg_problem)
        if self.clock not in CLOCKS:
            problems.append(f"clock must be 'manual' or 'process', got {self.clock!r}")
        if isinstance(self.expires_in, bool) or not isinstance(self.expires_in, int):
            problems.append(f"expires_in must be whole seconds, got {self.expires_in!r}")
        if isinstance(self.max_requests, bool) or not isinstance(self.max_requests, int):
            problems.append(f"max_requests must be a whole number, got {self.max_requests!r}")
        elif self.max_requests < 1:
            problems.append(f"max_requests must be >= 1, got {self.max_requests!r}")
        if isinstance(self.scopes, str):
            problems.append(f"scopes must be a list of scope names, got {self.scopes!r}")
        if not _is_mapping_or_list_of_mappings(self.clients):
            problems.append(
                'clients must be {"id": "secret", ...} or a list of dicts, '
                f"got {type(self.clients).__name__}"
            )
        if not _is_mapping_or_list_of_mappings(self.quirks):
            problems.append(f"quirks must be a dict or a list of dicts, got {self.quirks!r}")
        if isinstance(self.faults, Mapping) or not all(isinstance(f, Mapping) for f in self.faults):
            problems.append("faults must be a list of dicts of add_fault() arguments")
        for name in ("tls", *(f.name for f in fields(self) if f.name.startswith("assert_"))):
            if not isinstance(getattr(self, name), bool):
                problems.append(f"{name} must be True or False, got {getattr(self, name)!r}")
        if problems:
            raise ValueError(f"invalid @pytest.mark.{MARKER}() options: " + "; ".join(problems))

    @classmethod
    def names(cls) -> list[str]:
        """The option names, in signature order."""
        return [f.name for f in fields(cls)]

    def replace(self, **overrides: Any) -> ProviderOptions:
        """A copy with ``overrides`` applied; same checks as the marker.

        Raises:
            TypeError: for an unknown option name (the message lists the valid ones).
            ValueError: for an invalid value.
        """
        merged = {f.name: getattr(self, f.name) for f in fields(self)}
        return build(merged | overrides, where=f"make_{MARKER}()", positional=())


def _is_mapping_or_list_of_mappings(value: Any) -> bool:
    if value is None or isinstance(value, Mapping):
        return True
    return (
        isinstance(value, Sequence)
        and not isinstance(value, str)
        and all(isinstance(item, Mapping) for item in value)
    )


def build(kwargs: Mapping[str, Any], *, where: str, positional: Sequence[Any]) -> ProviderOptions:
    """Make :class:`ProviderOptions`, failing on a typo as a ``TypeError`` naming valid options.

    Raises:
        TypeError: for positional arguments or an unknown option name.
        ValueError: for an invalid value.
    """
    valid = ProviderOptions.names()
    if positional:
        raise TypeError(
            f"{where} takes keyword arguments only, got {len(positional)} positional; "
            f"valid options: {', '.join(valid)}"
        )
    unknown = [name for name in kwargs if name not in valid]
    if unknown:
        name = unknown[0]
        close = difflib.get_close_matches(name, valid, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise TypeError(
            f"{where} got an unexpected keyword argument {name!r}{hint}; "
            f"valid options: {', '.join(valid)}"
        )
    return ProviderOptions(**kwargs)


def merge_markers(markers: Iterable[Any]) -> ProviderOptions:
    """Merge ``oauth_provider`` markers given closest first (as ``iter_markers`` yields them).

    Each option is taken from the closest marker that sets it: function over class over
    module. Values are not merged deeper: a function's ``clients=`` replaces a module's.

    Raises:
        TypeError: for positional arguments or an unknown option name.
        ValueError: for an invalid value.
    """
    __tracebackhide__ = True
    merged: dict[str, Any] = {}
    for marker in markers:
        build(marker.kwargs, where=f"@pytest.mark.{MARKER}()", positional=marker.args)
        merged = dict(marker.kwargs) | merged
    # Most tests have no marker: the (frozen) defaults are validated once, not per test.
    return ProviderOptions(**merged) if merged else default_options()


@functools.cache
def default_options() -> ProviderOptions:
    """The options of a test without a marker (what ``merge_markers([])`` answers), made
    and validated once: they are frozen."""
    return ProviderOptions()


def marker_signature() -> str:
    """The marker's signature, e.g. ``oauth_provider(*, clients=None, ...)``."""
    options = ", ".join(f"{f.name}={f.default!r}" for f in fields(ProviderOptions))
    return f"{MARKER}(*, {options})"
