"""Registering client keys (``jwks``, ``jwks_uri``) through every surface, and keeping them,
the secret and the assertions out of every output."""

from __future__ import annotations

import argparse
import io
import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from mock_provider import ManualClock, MockProvider, cli
from mock_provider.cli import command
from mock_provider.scenario import load_scenario
from tests.assertions import (
    CLIENT_ID,
    ISSUER,
    NOW,
    SECRET,
    claims,
    public_jwk,
    rsa_key,
    sign,
)

JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


def _jwks(*names: str, **members: Any) -> dict[str, Any]:
    return {"keys": [public_jwk(rsa_key(name), kid=name, **members) for name in names]}


def _token(provider: MockProvider, assertion: str) -> httpx.Response:
    data = {
        "grant_type": "client_credentials",
        "client_assertion_type": JWT_BEARER,
        "client_assertion": assertion,
    }
    with httpx.Client(transport=provider.transport()) as http:
        return http.post(provider.token_url, data=data)


def _provider() -> MockProvider:
    return MockProvider(ISSUER, clock=ManualClock(NOW))


def test_default_methods_follow_the_secret_and_the_keys() -> None:
    provider = _provider()
    both = provider.add_client("both", SECRET, jwks=_jwks("rsa"))
    secret = provider.add_client("secret", SECRET)
    keys = provider.add_client("keys", jwks=_jwks("rsa"))
    assert both.auth_methods == (
        "client_secret_basic",
        "client_secret_post",
        "client_secret_jwt",
        "private_key_jwt",
    )
    assert secret.auth_methods == ("client_secret_basic", "client_secret_post", "client_secret_jwt")
    assert keys.auth_methods == ("private_key_jwt",)
    narrowed = provider.add_client("n", SECRET, auth_methods=["client_secret_post"])
    assert narrowed.auth_methods == ("client_secret_post",)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        pytest.param(
            {"jwks": {"keys": [rsa_key().as_dict(private=True)]}},
            "jwks.keys[0]: has private key member(s) 'd', 'p', 'q', 'dp', 'dq', 'qi': register "
            "the public key only, never the private key (RFC 7517 section 9.2)",
            id="private-member",
        ),
        pytest.param(
            {"jwks": _jwks("rsa"), "jwks_uri": "https://keys.test/jwks"},
            "jwks and jwks_uri must not both be given (RFC 7591 section 2)",
            id="both",
        ),
        pytest.param(
            {"jwks_uri": "keys.json"}, "jwks_uri must be an absolute http(s) URL", id="relative"
        ),
        pytest.param(
            {"auth_methods": ["private_key_jwt"]},
            "auth_methods must be methods the client can use: private_key_jwt needs jwks or "
            "jwks_uri",
            id="no-keys",
        ),
        pytest.param(
            {"auth_methods": ["client_secret_jwt"], "client_secret": None, "jwks": _jwks("rsa")},
            "auth_methods must be methods the client can use: without a client_secret only "
            "private_key_jwt",
            id="no-secret",
        ),
        pytest.param(
            {"auth_methods": ["tls_client_auth"]},
            "auth_methods must be a non-empty subset of ('client_secret_basic', "
            "'client_secret_post', 'client_secret_jwt', 'private_key_jwt'), got "
            "('tls_client_auth',)",
            id="unknown",
        ),
    ],
)
def test_add_client_refuses_unusable_keys_and_methods(
    arguments: dict[str, Any], message: str
) -> None:
    secret = arguments.pop("client_secret", SECRET)
    with pytest.raises(ValueError) as caught:
        _provider().add_client("c", secret, **arguments)
    assert str(caught.value) == message


def test_a_client_needs_a_secret_or_keys() -> None:
    with pytest.raises(TypeError, match="missing 1 required positional argument"):
        _provider().add_client("c")


def test_repr_of_a_client_shows_no_secret_and_no_key() -> None:
    jwks = _jwks("rsa")
    client = _provider().add_client("c", SECRET, jwks=jwks)
    shown = repr(client)
    assert SECRET not in shown
    assert jwks["keys"][0]["n"][:40] not in shown
    assert "jwks=" not in shown
    assert "keys=" not in shown


def test_jwks_uri_is_fetched_lazily_cached_and_refetched_once_for_an_unknown_kid() -> None:
    served = {"jwks": _jwks("old")}
    fetches: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        fetches.append(str(request.url))
        return httpx.Response(200, json=served["jwks"])

    provider = _provider()
    provider.add_client(
        CLIENT_ID,
        jwks_uri="https://keys.example.test/jwks.json",
        jwks_transport=httpx.MockTransport(answer),
    )
    assert fetches == []  # RFC 7591 §2: fetched when needed, not at registration
    assert _token(provider, sign(claims(jti="1"), key=rsa_key("old"), kid="old")).status_code == 200
    assert _token(provider, sign(claims(jti="2"), key=rsa_key("old"), kid="old")).status_code == 200
    assert fetches == ["https://keys.example.test/jwks.json"]
    served["jwks"] = _jwks("new")  # the client rotated its key
    rotated = sign(claims(jti="3"), key=rsa_key("new"), kid="new")
    assert _token(provider, rotated).status_code == 200
    assert len(fetches) == 2
    unknown = _token(provider, sign(claims(jti="4"), key=rsa_key("other"), kid="other"))
    assert unknown.status_code == 401
    assert len(fetches) == 3  # one refetch for the unknown kid, then refused
    assert unknown.json()["error_description"] == (
        "client assertion: no registered key matches the kid header (RFC 7515 section 4.1.4)"
    )


@pytest.mark.parametrize(
    ("answer", "description"),
    [
        pytest.param(
            httpx.Response(404), "the client's jwks_uri answered HTTP 404", id="not-found"
        ),
        pytest.param(
            httpx.Response(200, json={"keys": [rsa_key().as_dict(private=True)]}),
            "the JWK Set at the client's jwks_uri is unusable at jwks.keys[0]: has private key "
            "member(s) 'd', 'p', 'q', 'dp', 'dq', 'qi': register the public key only, never the "
            "private key (RFC 7517 section 9.2)",
            id="private",
        ),
        pytest.param(
            httpx.Response(200, content=b"<html>"),
            "the JWK Set at the client's jwks_uri is unusable: not JSON",
            id="html",
        ),
    ],
)
def test_an_unusable_jwks_uri_is_invalid_client(answer: httpx.Response, description: str) -> None:
    provider = _provider()
    provider.add_client(
        CLIENT_ID,
        jwks_uri="https://keys.example.test/jwks.json",
        jwks_transport=httpx.MockTransport(lambda request: answer),
    )
    response = _token(provider, sign(claims(), kid="rsa"))
    assert response.status_code == 401
    assert response.json() == {"error": "invalid_client", "error_description": description}


def test_control_api_registers_keys_and_never_shows_them() -> None:
    provider = _provider()
    provider.enable_control()
    jwks = _jwks("rsa")
    with httpx.Client(transport=provider.transport(), base_url=ISSUER) as http:
        created = http.post("/_mock/clients", json={"client_id": "k", "jwks": jwks})
        assert created.status_code == 201, created.text
        listed = http.get("/_mock/clients/k")
        refused = http.post(
            "/_mock/clients", json={"client_id": "p", "jwks": {"keys": [{"kty": "oct", "k": "x"}]}}
        )
        wrong_type = http.post("/_mock/clients", json={"client_id": "q", "jwks": "-----BEGIN"})
        openapi = http.get("/_mock/openapi.json").json()
    assert created.json()["auth_methods"] == ["private_key_jwt"]
    assert listed.json()["key_ids"] == ["rsa"]
    for response in (created, listed):
        assert "jwks" not in response.json()
        assert "client_secret" not in response.json()
        assert jwks["keys"][0]["n"][:40] not in response.text
    assert refused.status_code == 400
    assert "jwks.keys[0]" in refused.json()["message"]
    assert (
        wrong_type.json()["message"] == "jwks: expected object or null but got str (value hidden)"
    )
    schema = openapi["paths"]["/_mock/clients"]["post"]["requestBody"]["content"]
    properties = schema["application/json"]["schema"]["properties"]
    assert properties["jwks"]["type"] == ["object", "null"]
    assert properties["jwks_uri"]["type"] == ["string", "null"]


def test_scenario_clients_take_keys(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    jwks = _jwks("rsa")
    path.write_text(json.dumps({"clients": [{"client_id": CLIENT_ID, "jwks": jwks}]}))
    provider = load_scenario(path).build()
    assert provider.clients[CLIENT_ID].auth_methods == ("private_key_jwt",)
    broken = tmp_path / "broken.json"
    private = {"keys": [rsa_key().as_dict(private=True)]}
    broken.write_text(json.dumps({"clients": [{"client_id": "c", "jwks": private}]}))
    with pytest.raises(Exception) as caught:
        load_scenario(broken)
    assert "key 'clients[0].jwks.keys[0]': has private key member(s)" in str(caught.value)
    assert private["keys"][0]["d"][:20] not in str(caught.value)


def test_serve_client_jwks_option(tmp_path: Path) -> None:
    keys = tmp_path / "client.jwks.json"
    jwks = _jwks("rsa")
    keys.write_text(json.dumps(jwks))
    parser = argparse.ArgumentParser()
    cli.add_serve_arguments(parser)
    args = parser.parse_args(
        [
            "--client",
            "app:app-secret:read",
            "--client-jwks",
            f"app={keys}",
            "--client-jwks",
            f"svc={keys}",
        ]
    )
    provider = command.build_provider(args)
    assert provider.clients["app"].auth_methods[-1] == "private_key_jwt"
    assert provider.clients["app"].scopes == ("read",)
    assert provider.clients["svc"].auth_methods == ("private_key_jwt",)
    out = io.StringIO()
    command._print_banner(provider, provider.serve(), None, None, args, out)  # type: ignore[arg-type]
    assert "  client svc scopes: (none) keys: 1 (private_key_jwt)" in out.getvalue()
    assert jwks["keys"][0]["n"][:40] not in out.getvalue()
    with pytest.raises(SystemExit):
        parser.parse_args(["--client-jwks", "app"])


def test_oidc_core_9_the_client_secret_jwt_key_is_imported_once_per_registered_secret() -> None:
    provider = _provider()
    client = provider.add_client(CLIENT_ID, SECRET)
    assert "hmac_key" not in vars(client)  # nothing imported at registration
    first = _token(provider, sign(claims(jti="a"), alg="HS256"))
    key = vars(client)["hmac_key"]  # imported by the first assertion, and kept
    second = _token(provider, sign(claims(jti="b"), alg="HS256"))
    assert (first.status_code, second.status_code) == (200, 200)
    assert provider.client(CLIENT_ID) is client
    assert vars(client)["hmac_key"] is key  # the same key object served both assertions
    # A new secret is a new record, with its own key: the old secret no longer verifies.
    replaced = provider.add_client(CLIENT_ID, "another-secret-of-at-least-32-bytes!")
    assert replaced.hmac_key is not key
    refused = _token(provider, sign(claims(jti="c"), alg="HS256"))
    assert refused.status_code == 401
    assert SECRET not in repr(replaced) + repr(client)
