"""Every shortcut of a provider's set-up, check and teardown answers what the general path
it skips would (the fixtures build one provider per test, so their set-up skips calls).
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mock_provider import MockProvider
from mock_provider.protocol.rfc6749 import Params, parse_parameters
from mock_provider.protocol.rfc9068 import SIGNING_KEYS, access_token_alg_problem
from mock_provider.state.log import DEFAULT_MAX_REQUESTS, RequestLog
from mock_provider.state.settings import Settings
from pytest_oauthcc.plugin.checked import build_provider
from pytest_oauthcc.plugin.options import ProviderOptions, default_options, merge_markers


class _Recording(MockProvider):
    """A provider whose add_resource is its own: the set-up must call it."""

    calls: list[tuple[str, str]]

    def add_resource(self, name: str, path: str, **options: Any) -> Any:
        self.__dict__.setdefault("calls", []).append((name, path))
        return super().add_resource(name, path, **options)


def _registry_state(provider: MockProvider) -> tuple[Any, ...]:
    registry = provider.core.registry
    return (
        registry.resources,
        registry.resource_routes,
        registry.resources_version,
        provider.core.routes(),
    )


def test_the_default_me_resource_is_what_add_resource_registers() -> None:
    fast, general = MockProvider(), _Recording()
    assert general.calls == [("me", "/api/me")]
    assert _registry_state(fast) == _registry_state(general)
    # Another path or scopes take the general path, as before.
    assert MockProvider(me_path="/me").resource("me").path == "/me"
    assert MockProvider(me_scopes=["read"]).resource("me").scopes == ("read",)
    with pytest.raises(ValueError, match="start with '/'"):
        MockProvider(me_path="me")


alg_values = st.one_of(
    st.sampled_from(sorted(SIGNING_KEYS)),
    st.text(max_size=8),
    st.sampled_from([None, 1, b"RS256", ("RS256",), "rs256", "none"]),
)


@given(alg_values)
def test_settings_refuse_exactly_the_algorithms_the_protocol_refuses(alg: Any) -> None:
    problem = access_token_alg_problem(alg)
    if problem is None:
        assert Settings(access_token_alg=alg).access_token_alg == alg
    else:
        with pytest.raises(ValueError) as refused:
            Settings(access_token_alg=alg)
        assert str(refused.value) == problem


@pytest.mark.parametrize("bound", [0, -1, True, False, 10_000.0, "10000", None])
def test_the_request_log_still_refuses_a_bad_bound(bound: Any) -> None:
    with pytest.raises(ValueError, match="max_requests must be a whole number"):
        RequestLog(bound)


def test_the_request_log_keeps_the_default_bound() -> None:
    assert RequestLog().max_requests == DEFAULT_MAX_REQUESTS
    assert RequestLog(DEFAULT_MAX_REQUESTS).max_requests == DEFAULT_MAX_REQUESTS
    assert RequestLog(3).max_requests == 3


def test_params_share_a_read_only_empty_multi() -> None:
    params = Params()
    assert params.multi == {}
    assert not params.multi
    with pytest.raises(TypeError):
        params.multi["resource"] = ["x"]  # type: ignore[index]
    parsed = parse_parameters("resource=a&resource=b&x=1", where="request body")
    assert parsed.multi == {"resource": ["a", "b"]}
    assert parsed.getlist("resource") == ["a", "b"]
    assert Params().multi == {}
    assert parse_parameters("x=1", where="request body").multi == {}


def test_default_options_are_what_merging_no_marker_gives() -> None:
    assert default_options() == merge_markers([]) == ProviderOptions()
    assert default_options() is merge_markers([])


@given(
    faults=st.integers(0, 2),
    fire=st.integers(0, 2),
    unmatched=st.booleans(),
    failed=st.booleans(),
    flags=st.tuples(st.booleans(), st.booleans(), st.booleans()),
)
def test_check_options_equals_problems(
    faults: int, fire: int, unmatched: bool, failed: bool, flags: tuple[bool, bool, bool]
) -> None:
    provider = build_provider(default_options(), issuer=None)
    for _ in range(faults):
        provider.add_fault("token", status=503)
    for _ in range(fire):
        provider.handle(_token_request(provider))
    if unmatched:
        provider.handle(_request("GET", "/nowhere"))
    if failed:
        provider.add_resource("boom", "/boom", body=lambda token, client: 1 / 0)
        token = provider.issue_token("demo-client").value
        provider.handle(_request("GET", "/boom", [("Authorization", f"Bearer {token}")]))
    options = ProviderOptions(
        assert_all_faults_fired=flags[0],
        assert_all_requests_matched=flags[1],
        assert_no_provider_errors=flags[2],
    )
    expected = provider.problems(faults=flags[0], unmatched=flags[1], errors=flags[2])
    assert provider.check_options(options) == expected


def _request(method: str, path: str, headers: list[tuple[str, str]] | None = None) -> Any:
    from mock_provider.protocol.http import Headers, Request

    return Request(method, path, headers=Headers(headers or []), scheme="https")


def _token_request(provider: MockProvider) -> Any:
    from mock_provider.protocol.http import Headers, Request

    headers = Headers(
        [
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Authorization", "Basic ZGVtby1jbGllbnQ6ZGVtby1zZWNyZXQ="),
        ]
    )
    return Request("POST", "/oauth/token", headers=headers, body=b"grant_type=client_credentials")


@pytest.mark.parametrize(
    "issuer", [None, "https://idp.test", "https://idp.test/tenant/", "http://127.0.0.1:8080"]
)
@pytest.mark.parametrize("name", ["token", "revoke", "introspect", "jwks", "authorize"])
def test_endpoint_urls_join_the_issuer_url_and_the_path(issuer: str | None, name: str) -> None:
    provider = MockProvider(issuer)
    settings = provider.core.settings
    assert settings.endpoint_url(name) == settings.url + settings.paths[name]
    if issuer is None:  # a server's URL becomes the issuer: the endpoints follow it
        settings.bind_url("http://127.0.0.1:9999/")
        assert settings.endpoint_url(name) == "http://127.0.0.1:9999" + settings.paths[name]
