"""Client authentication and token request parameters (RFC 6749 §2.3.1, §3.3, §4.4.2, RFC 8707)."""

from __future__ import annotations

import base64
from urllib.parse import parse_qs

import httpx
import pytest

from mock_provider.protocol.rfc6749 import decode_basic
from pytest_oauthcc import ClientConfigurationError, ClientCredentials

from .conftest import CLIENT_ID, SECRET, World


def capture(auth: ClientCredentials) -> list[httpx.Request]:
    """Run one request through ``auth`` against a fake token endpoint; return what was sent."""
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        if request.method == "POST":
            return httpx.Response(200, json={"access_token": "t", "token_type": "Bearer"})
        return httpx.Response(200, json={})

    with httpx.Client(transport=httpx.MockTransport(handler), auth=auth) as http:
        http.get("https://api.example.com/x")
    return sent


def form(request: httpx.Request) -> dict[str, list[str]]:
    return parse_qs(request.content.decode(), keep_blank_values=True)


def test_rfc6749_2_3_1_basic_is_form_urlencoded_before_base64() -> None:
    auth = ClientCredentials("https://as.example.com/token", "my app:1", "p@ss w/ord+%")
    token_request = capture(auth)[0]
    value = token_request.headers["Authorization"]
    raw = base64.b64decode(value.split()[1]).decode()
    assert raw == "my%20app%3A1:p%40ss%20w%2Ford%2B%25"
    assert decode_basic(value, realm="r") == ("my app:1", "p@ss w/ord+%")
    assert "client_secret" not in form(token_request)


def test_rfc6749_2_3_1_basic_raw_opt_out() -> None:
    auth = ClientCredentials(
        "https://as.example.com/token", "my app", "p@ss w/ord", basic_form_encode=False
    )
    value = capture(auth)[0].headers["Authorization"]
    assert base64.b64decode(value.split()[1]).decode() == "my app:p@ss w/ord"


def test_rfc7617_2_raw_basic_refuses_a_colon_in_the_client_id() -> None:
    with pytest.raises(ClientConfigurationError, match=r"contains ':'.*RFC 7617 §2"):
        ClientCredentials("https://as.example.com/t", "a:b", "s", basic_form_encode=False)


def test_rfc6749_2_3_1_client_secret_post_puts_credentials_in_the_body_only() -> None:
    auth = ClientCredentials(
        "https://as.example.com/token", "id", "sec", auth_method="client_secret_post"
    )
    token_request = capture(auth)[0]
    assert "Authorization" not in token_request.headers
    assert form(token_request) == {
        "grant_type": ["client_credentials"],
        "client_id": ["id"],
        "client_secret": ["sec"],
    }


def test_rfc6749_4_4_2_form_body_accept_json_and_no_charset() -> None:
    token_request = capture(ClientCredentials("https://as.example.com/token", "id", "sec"))[0]
    assert token_request.method == "POST"
    assert token_request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert token_request.headers["Accept"] == "application/json"
    assert form(token_request) == {"grant_type": ["client_credentials"]}


def test_rfc6749_3_3_scope_is_space_joined_and_omitted_when_empty() -> None:
    with_scopes = ClientCredentials("https://as.example.com/t", "id", "s", scopes=["a", "b:c", "a"])
    assert form(capture(with_scopes)[0])["scope"] == ["a b:c"]
    assert "scope" not in form(capture(ClientCredentials("https://as.example.com/t", "i", "s"))[0])


@pytest.mark.parametrize("bad", ["two words", 'quo"te', "back\\slash", ""])
def test_rfc6749_3_3_scope_tokens_are_validated(bad: str) -> None:
    with pytest.raises(ClientConfigurationError, match=r"RFC 6749 §3\.3 scope-token"):
        ClientCredentials("https://as.example.com/t", "id", "s", scopes=[bad])


def test_scopes_given_as_one_string_are_refused_with_a_fix() -> None:
    with pytest.raises(ClientConfigurationError, match=r"pass scopes=\['a', 'b'\]"):
        ClientCredentials("https://as.example.com/t", "id", "s", scopes="a b")


def test_rfc8707_audience_resource_and_extra_params_on_every_token_request(
    local: World,
) -> None:
    auth = local.make(
        scopes=["read"],
        audience="https://api.example.com",
        resource=["https://a.example.com/", "https://b.example.com/"],
        extra_params={"tenant": "t1"},
    )
    local.provider.add_client(CLIENT_ID, SECRET, scopes=["read"], audiences=[])
    local.get(auth)
    local.clock.advance(3600)
    local.get(auth)
    forms = [r.form for r in local.provider.token_requests]
    assert len(forms) == 2
    for recorded in forms:
        assert recorded["audience"] == "https://api.example.com"
        assert recorded["tenant"] == "t1"
        assert recorded["scope"] == "read"
    assert auth.stats.renewals == 1


def test_rfc8707_2_resource_repeats_the_parameter() -> None:
    auth = ClientCredentials(
        "https://as.example.com/t", "id", "s", resource=["https://a.test/", "https://b.test/"]
    )
    assert form(capture(auth)[0])["resource"] == ["https://a.test/", "https://b.test/"]


@pytest.mark.parametrize("bad", ["/relative", "https://a.test/#frag"])
def test_rfc8707_2_resource_must_be_absolute_without_fragment(bad: str) -> None:
    with pytest.raises(ClientConfigurationError, match="RFC 8707 §2"):
        ClientCredentials("https://as.example.com/t", "id", "s", resource=bad)


@pytest.mark.parametrize("name", ["grant_type", "client_secret", "scope", "resource"])
def test_extra_params_cannot_override_what_the_client_sends(name: str) -> None:
    with pytest.raises(ClientConfigurationError, match=f"extra_params must not set {name}"):
        ClientCredentials("https://as.example.com/t", "id", "s", extra_params={name: "x"})


@pytest.mark.parametrize("method", ["client_secret_basic", "client_secret_post"])
def test_both_methods_authenticate_against_the_provider(world: World, method: str) -> None:
    response = world.get(world.make(auth_method=method))
    assert response.status_code == 200
    assert response.json()["client_id"] == CLIENT_ID
    assert world.provider.token_requests[0].auth_method == method


def test_rfc6749_3_2_token_url_must_be_https_except_loopback() -> None:
    with pytest.raises(ClientConfigurationError, match=r"plain HTTP.*RFC 6749 §3.2"):
        ClientCredentials("http://as.example.com/token", "id", "s")
    for url in ("http://127.0.0.1:8080/t", "http://localhost/t", "http://[::1]:9/t"):
        ClientCredentials(url, "id", "s")
    ClientCredentials("http://as.internal/t", "id", "s", allow_insecure_http=True)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        pytest.param({"auth_method": "tls_client_auth"}, "auth_method must be one of", id="method"),
        pytest.param({"renew_before": -1}, "renew_before must be", id="renew_before"),
        pytest.param({"default_expires_in": 0}, "never lives forever", id="default"),
        pytest.param({"on_401": "sometimes"}, "on_401 must be one of", id="on_401"),
        pytest.param({"token_path": "data..x"}, "token_path must be", id="path"),
        pytest.param({"expires_in_unit": "min"}, "expires_in_unit", id="unit"),
        pytest.param({"allowed_hosts": "a.com"}, "list of host names", id="hosts-str"),
        pytest.param({"allowed_hosts": ["https://a.com"]}, "not a host name", id="hosts-url"),
        pytest.param({"allowed_hosts": ["a.*.com"]}, "leading", id="hosts-star"),
    ],
)
def test_invalid_configuration_is_refused(options: dict[str, object], message: str) -> None:
    with pytest.raises(ClientConfigurationError, match=message):
        ClientCredentials("https://as.example.com/t", "id", "s", **options)  # type: ignore[arg-type]


def test_the_auth_flow_yields_the_token_request_itself() -> None:
    """STYLE #9: no I/O of its own; whoever drives the flow sends the token request."""
    auth = ClientCredentials("https://as.test/token", "id", "sec")
    api = httpx.Request("GET", "https://api.test/")
    flow = auth.auth_flow(api)
    token_request = next(flow)
    assert (token_request.method, str(token_request.url)) == ("POST", "https://as.test/token")
    answer = httpx.Response(200, json={"access_token": "tok"}, request=token_request)
    assert flow.send(answer) is api
    assert api.headers["Authorization"] == "Bearer tok"
    with pytest.raises(StopIteration):
        flow.send(httpx.Response(200, request=api))
