"""A mock provider built from a connection config, shaped like the provider it describes.

The provider's issuer is the token URL's origin and its token, revocation and test paths
are the config's own, so the reference client is driven with the config's real URLs; an
in-process transport answers them all (it routes by path, so every host reaches it). A thin
transport reshapes token answers the way the config says the real provider writes them
(another member name for the token, no ``expires_in``), with the members
``mock.token_response`` adds or overrides.

Layering: imports ``config/``, ``rules/``, the results, the reference client and what
:mod:`mock_provider` exports; never the plugin.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

from mock_provider import ManualClock, MockProvider
from pytest_oauthcc.connection.config.model import ConnectionConfig

__all__ = [
    "MockSetup",
    "ShapedTokenTransport",
    "build_mock",
    "configured_lifetime",
    "lookup_path",
    "merge",
]


@dataclass
class MockSetup:
    """The provider and the transport that reaches it, for one check."""

    provider: MockProvider
    transport: httpx.BaseTransport
    clock: ManualClock


def _path(url: str) -> str:
    return urlsplit(url).path or "/"


def build_mock(
    config: ConnectionConfig,
    urls: Mapping[str, str],
    client_id: str,
    client_secret: str | None,
    extra_params: Mapping[str, str],
    jwks: Mapping[str, Any] | None = None,
) -> MockSetup:
    """A provider for ``config`` with rendered ``urls`` (``token``, ``test``, ``revoke``, ...).

    The client is registered with exactly the declared auth method, scopes and audience, so
    a request of any other shape is refused the way a strict real provider would; a
    ``private_key_jwt`` client with ``jwks``, the public half of its key.
    """
    token = urlsplit(urls["token"])
    clock = ManualClock()
    provider = MockProvider(
        f"{token.scheme}://{token.netloc}",
        clock=clock,
        expires_in=configured_lifetime(config),
        token_format=config.token.token_format,
        token_path=_path(urls["token"]),
        revocation_path=_path(urls["revoke"]) if "revoke" in urls else "/oauth/revoke",
    )
    audiences = tuple(v for k, v in extra_params.items() if k in ("audience", "resource"))
    keys: dict[str, Any] = {} if jwks is None else {"jwks": dict(jwks)}
    # A config that declares a refresh_token grant describes a provider that issues refresh
    # tokens with client credentials (RFC 6749 §6), so the mock does too.
    refreshes = config.refresh is not None and config.refresh.grant_type == "refresh_token"
    provider.add_client(
        client_id,
        client_secret,
        scopes=config.token.scopes,
        auth_methods=(config.token.auth_method,),
        audiences=audiences,
        refresh_tokens=refreshes,
        **keys,
    )
    provider.add_resource(
        "test",
        _path(urls["test"]),
        body=config.mock_test_response,
        methods=(config.test.method,),
        scopes=config.test.scopes,
        **config.token_placement.options(),
    )
    refresh = urls.get("refresh")
    extra_paths = {_path(refresh)} if refresh and _path(refresh) != _path(urls["token"]) else set()
    inner = provider.transport()
    transport = ShapedTokenTransport(inner, {_path(urls["token"]), *extra_paths}, config, provider)
    return MockSetup(provider, transport, clock)


class ShapedTokenTransport(httpx.BaseTransport):
    """Answers from the provider, with token responses rewritten to the config's shape.

    A refresh URL on another path is served as a second token endpoint (the provider has
    one), which is how providers that "refresh" client-credentials tokens behave.
    """

    def __init__(
        self,
        inner: httpx.BaseTransport,
        token_paths: set[str],
        config: ConnectionConfig,
        provider: MockProvider,
    ) -> None:
        self.inner = inner
        self.token_paths = token_paths
        self.config = config
        self.provider = provider

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Answer ``request`` in-process, reshaping successful token answers."""
        path = request.url.path
        token_path = self.provider.paths["token"]
        if path in self.token_paths and path != token_path:
            request = httpx.Request(
                request.method,
                request.url.copy_with(path=token_path),
                headers=request.headers,
                content=request.read(),
            )
        response = self.inner.handle_request(request)
        if path not in self.token_paths or response.status_code != 200:
            return response
        body = json.loads(response.read())
        token = self.config.token
        shaped = reshape(body, token.access_token_path, token.expires_in_path)
        # What the config asks the mock to answer is what it answers: its members (nested
        # ones too, next to a nested token) win over the provider's, except the token.
        shaped = merge(shaped, self.config.mock_token_response)
        _put(shaped, token.access_token_path, body["access_token"])
        headers = [
            (k, v) for k, v in response.headers.multi_items() if k.lower() != "content-length"
        ]
        return httpx.Response(
            200, headers=headers, content=json.dumps(shaped).encode(), request=request
        )


def reshape(body: dict[str, Any], token_path: str, expires_path: str | None) -> dict[str, Any]:
    """Move ``access_token`` / ``expires_in`` of an RFC 6749 §5.1 answer to the given paths."""
    out = dict(body)
    token = out.pop("access_token")
    expires = out.pop("expires_in", None)
    _put(out, token_path, token)
    if expires_path is not None and expires is not None:
        _put(out, expires_path, expires)
    return out


def merge(base: dict[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """``base`` with ``over``'s members on top, objects merged member by member."""
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


def lookup_path(body: Any, path: str) -> Any:
    """The value at dotted ``path`` of ``body``, or ``None``."""
    for key in path.split("."):
        body = body.get(key) if isinstance(body, Mapping) else None
    return body


def configured_lifetime(config: ConnectionConfig) -> int:
    """The lifetime the mock issues tokens for: the one ``mock.token_response`` states
    (at ``token.response.expires_in``, as the provider would write it), else the default."""
    path = config.token.expires_in_path
    stated = lookup_path(config.mock_token_response, path) if path is not None else None
    seconds = 0
    if isinstance(stated, (int, float, str)) and not isinstance(stated, bool):
        try:
            seconds = int(float(stated))
        except ValueError:
            seconds = 0
    return seconds if seconds > 0 else config.token.default_expires_in


def _put(target: dict[str, Any], path: str, value: Any) -> None:
    *parents, last = path.split(".")
    for part in parents:
        target = target.setdefault(part, {})
    target[last] = value
