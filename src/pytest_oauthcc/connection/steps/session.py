"""One check's state: rendered URLs and values, the HTTP layer, the reference client.

Mock mode builds the provider from the config and routes the config's own URLs to it
in-process; live mode sends to the real URLs. Either way every request passes through the
:class:`~.guard.GuardedTransport`, which refuses hosts outside ``allowed_domains`` and
keeps the redacted transcript.

Layering: imports ``config/``, ``rules/``, the results, the reference client and what
:mod:`mock_provider` exports; never the plugin.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from mock_provider import ManualClock
from pytest_oauthcc.client import ClientCredentials
from pytest_oauthcc.connection.config.keys import private_key_value
from pytest_oauthcc.connection.config.model import ConnectionConfig
from pytest_oauthcc.connection.config.placeholders import PlaceholderError, render
from pytest_oauthcc.connection.results import StepResult
from pytest_oauthcc.connection.rules.domains import environment_contexts
from pytest_oauthcc.scrub import Scrubber

from .guard import GuardedTransport, TranscriptEntry
from .mock import MockSetup, build_mock

__all__ = ["RenderFailed", "Session", "open_session"]


class RenderFailed(Exception):
    """A value needed for a step did not render; ``step`` is the step it belongs to."""

    def __init__(self, step: str, message: str) -> None:
        super().__init__(message)
        self.step = step


@dataclass
class Session:
    """Everything the steps share during one check."""

    config: ConnectionConfig
    values: dict[str, str] = field(repr=False)
    context: dict[str, Any]
    urls: dict[str, str]
    extra_params: dict[str, str]
    client_id: str
    client_secret: str | None = field(repr=False)
    guard: GuardedTransport
    mock: MockSetup | None
    live: bool
    test_body: Any = None
    token_answer: dict[str, Any] = field(default_factory=dict)
    owns_transport: bool = False
    private_key: str | None = field(default=None, repr=False)
    key_id: str | None = None
    assertion_audience: str | None = None

    def close(self) -> None:
        """Close the network transport the session opened (live mode, none given)."""
        if self.owns_transport:
            self.guard.inner.close()

    def client(
        self,
        *,
        secret: str | None = None,
        private_key: str | None = None,
        token_url: str | None = None,
    ) -> ClientCredentials:
        """A reference client configured exactly as the connection says (``secret`` or
        ``private_key`` replace the configured credential).

        In mock mode it measures time on the mock's clock and "sleeps" by advancing it, and
        plain HTTP is left to the static HTTPS rule (so one finding fails one step).

        Raises:
            ClientConfigurationError: when the reference client refuses the configuration.
        """
        token = self.config.token
        extra = dict(self.extra_params)
        audience = extra.pop("audience", None)
        resource = extra.pop("resource", None)
        clock = self.mock.clock if self.mock is not None else None
        return ClientCredentials(
            token_url or self.urls["token"],
            self.client_id,
            self.client_secret if secret is None else secret,
            scopes=token.scopes,
            auth_method=token.auth_method,
            **self._assertion_options(private_key),
            extra_params=extra or None,
            audience=audience,
            resource=resource,
            revocation_url=self.urls.get("revoke"),
            renew_before=token.renew_before,
            default_expires_in=token.default_expires_in,
            token_path=token.access_token_path,
            expires_in_path=token.expires_in_path,
            clock=clock,
            sleep=_advancing(clock) if clock is not None else None,
            allow_insecure_http=self.mock is not None,
            **self.config.token_placement.options(),
        )

    def _assertion_options(self, private_key: str | None) -> dict[str, Any]:
        token = self.config.token
        if token.auth_method not in ("client_secret_jwt", "private_key_jwt"):
            return {}
        options: dict[str, Any] = {
            "assertion_alg": token.assertion_alg,
            "assertion_audience": self.assertion_audience,
        }
        if token.auth_method == "private_key_jwt":
            key = self.private_key if private_key is None else private_key
            options.update(private_key=private_key_value(key or ""), key_id=self.key_id)
        return options

    def carrying(self, token: str) -> dict[str, Any]:
        """``httpx`` request arguments that carry ``token`` where the API takes it."""
        placement = self.config.token_placement
        if placement.token_query is not None:
            return {"params": {placement.token_query: token}}
        return {"headers": {placement.token_header: f"{placement.token_prefix}{token}"}}

    def fetch(self, cc: ClientCredentials, http: httpx.Client) -> str:
        """A token from ``cc`` (cached if valid). Never print it: it is a credential."""
        return cc.fetch_token(http)

    @staticmethod
    def current_token(cc: ClientCredentials) -> str | None:
        """The fingerprint of ``cc``'s cached token, or ``None``."""
        return cc.token_fingerprint

    def http(self, auth: httpx.Auth | None = None) -> httpx.Client:
        """An HTTP client with the request defaults, sending through the guard."""
        defaults = self.config.request_defaults
        return httpx.Client(
            auth=auth,
            transport=self.guard,
            params={k: render(v, self.context) for k, v in defaults.query.items()},
            headers={k: render(v, self.context) for k, v in defaults.headers.items()},
            follow_redirects=False,
            timeout=30.0,
        )

    def failed(self, step: str, reason: str, start: int) -> StepResult:
        """A failing result for ``step``, with the redacted exchanges since index ``start``."""
        return StepResult(step, "fail", reason, self.guard.transcript(start))

    def since(self, start: int, endpoint: str | None = None) -> list[TranscriptEntry]:
        """Exchanges recorded from index ``start``, optionally for one endpoint."""
        return [e for e in self.guard.entries[start:] if endpoint is None or e.endpoint == endpoint]


def _advancing(clock: ManualClock) -> Callable[[float], None]:
    """A ``sleep`` that advances the mock clock instead of waiting."""

    def sleep(seconds: float) -> None:
        clock.advance(seconds)

    return sleep


def _render(step: str, template: str, context: Mapping[str, Any]) -> str:
    try:
        return render(template, context)
    except PlaceholderError as exc:
        raise RenderFailed(step, str(exc)) from None


def _public_jwks(config: ConnectionConfig, private_key: str, key_id: str | None) -> dict[str, Any]:
    """The JWK Set the mock registers for a ``private_key_jwt`` client: its key's public half."""
    from pytest_oauthcc.client.assertion import private_key_signer
    from pytest_oauthcc.errors import ClientConfigurationError

    try:
        signer = private_key_signer(
            private_key_value(private_key), alg=config.token.assertion_alg, kid=key_id
        )
    except ClientConfigurationError as exc:
        raise RenderFailed(
            "token", f"the reference client refuses this configuration: {exc}"
        ) from None
    return {"keys": [signer.public_jwk()]}


def open_session(
    config: ConnectionConfig,
    values: dict[str, str],
    *,
    live: bool,
    transport: httpx.BaseTransport | None,
    scrub: Scrubber | None = None,
) -> Session:
    """Render what the steps need and set up the HTTP layer (and the mock).

    Raises:
        RenderFailed: naming the step whose value does not render.
    """
    contexts = dict(environment_contexts(config, values))
    selected = values.get(config.environment_field) if config.environments else None
    if config.environments and selected not in contexts:
        raise RenderFailed(
            "fields", f"environment {selected!r} is not one of {', '.join(config.environments)}"
        )
    context = contexts[selected]
    urls = {
        "token": _render("token", config.token.url, context),
        "test": _render("test", config.test.url, context),
    }
    if config.refresh is not None:
        urls["refresh"] = _render("refresh", config.refresh.url, context)
    if config.revoke is not None:
        urls["revoke"] = _render("revoke", config.revoke.url, context)
    extra = {k: _render("token", v, context) for k, v in config.token.extra_params.items()}
    # A credential renders from the field the user fills in: when it does not, the field is
    # what is wrong (the fields step names it), not the token request. private_key_jwt has
    # a private key in the secret's place (and no secret at all).
    client_id = _render("fields", config.token.client_id, context)
    key_jwt = config.token.auth_method == "private_key_jwt"
    client_secret = None if key_jwt else _render("fields", config.token.client_secret, context)
    private_key = _render("fields", config.token.private_key, context) if key_jwt else None
    key_id, assertion_audience = (
        None if template is None else _render("token", template, context)
        for template in (config.token.key_id, config.token.assertion_audience)
    )
    scrub = scrub if scrub is not None else Scrubber()
    scrub.add_secret(client_secret, client_id=client_id)
    scrub.add_secret(private_key)
    for template in (
        *config.request_defaults.query.values(),
        *config.request_defaults.headers.values(),
    ):
        _render("request_defaults", template, context)
    mock: MockSetup | None = None
    if live:
        inner = transport if transport is not None else httpx.HTTPTransport()
    else:
        if config.token.token_format == "jwt":
            from mock_provider import MockProviderError, process_key

            try:
                process_key()  # the process-wide key every mock provider signs with
            except MockProviderError as exc:
                raise RenderFailed("token", f"token_format jwt: {exc}") from None
        jwks = None if private_key is None else _public_jwks(config, private_key, key_id)
        mock = build_mock(config, urls, client_id, client_secret, extra, jwks)
        inner = mock.transport
    # Reversed so the token endpoint wins when a refresh URL is the same URL.
    endpoints = {url: name for name, url in reversed(list(urls.items()))}
    # Whether allowed_domains covers the config's hosts is judged by the static rule; in
    # mock mode (nothing leaves the process) the guard lets those hosts through so that one
    # finding fails one step, and still proves that any other host is refused. Live mode
    # sends nothing outside allowed_domains.
    hosts = () if live else tuple(h for u in urls.values() if (h := httpx.URL(u).host))
    guard = GuardedTransport(
        inner,
        config.allowed_domains,
        endpoints,
        token_path=config.token.access_token_path,
        also_allow=hosts,
        placement=config.token_placement,
        defaults={
            "query": {k: render(v, context) for k, v in config.request_defaults.query.items()},
            "headers": {k: render(v, context) for k, v in config.request_defaults.headers.items()},
        },
        scrub=scrub,
    )
    return Session(
        config,
        values,
        context,
        urls,
        extra,
        client_id,
        client_secret,
        guard,
        mock,
        live,
        owns_transport=live and transport is None,
        private_key=private_key,
        key_id=key_id,
        assertion_audience=assertion_audience,
    )
