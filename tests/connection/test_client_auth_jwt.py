"""Connection configs with JWT client authentication: the static rules of private keys, field
values holding a PEM (env files, flattened secrets, JWK JSON), and live checks that sign an
RFC 7523 assertion the provider's verifier accepts."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from pytest_oauthcc import Connection
from pytest_oauthcc.client.assertion import private_key_signer
from pytest_oauthcc.connection.config.keys import (
    invent_private_key,
    private_key_field,
    private_key_value,
)
from pytest_oauthcc.connection.config.loading import Document
from pytest_oauthcc.connection.config.model import parse
from pytest_oauthcc.connection.config.values import read_env_file, resolve_values
from pytest_oauthcc.connection.rules import static_findings
from tests.assertions import ec_key, public_jwk, rsa_key
from tests.client.jwt_endpoint import CLIENT_ID, REVOKE_URL, TOKEN_URL, JwtEndpoint

API = "https://api.example.test/v1/me"


def config_data(**token: Any) -> dict[str, Any]:
    return {
        "version": 1,
        "name": "PartnerX",
        "fields": [
            {"key": "client_id", "label": "Client ID", "required": True},
            {"key": "private_key", "label": "Private key (PEM)", "secret": True, "required": True},
        ],
        "token": {"url": TOKEN_URL, "client_auth": "private_key_jwt", "scopes": ["read"], **token},
        "revoke": {"url": REVOKE_URL},
        "test": {"url": API, "expect": {"status": [200], "body_has": ["app.id"]}},
        "label": "PartnerX ({{ test.app.name }})",
        "allowed_domains": ["auth.example.test", "api.example.test"],
        "unique_id": "{{ test.app.id }}",
    }


def findings(data: dict[str, Any]) -> list[tuple[str, str, str]]:
    config = parse(Document("x.oauthcc.yaml", data))
    values, _ = resolve_values(config, {"private_key": "pem"}, live=False)
    return [(f.step, f.status, f.reason) for f in static_findings(config, values)]


def rsa_pem() -> str:
    return rsa_key().as_pem(private=True).decode()


def test_a_private_key_jwt_config_with_a_secret_key_field_has_no_findings() -> None:
    assert findings(config_data()) == []
    assert findings(config_data(key_id="2024-01", assertion_alg="PS256")) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        pytest.param(
            lambda d: d["fields"][1].update(secret=False),
            (
                "fields",
                "fail",
                "fields: field 'private_key' holds the private key; mark it secret: true",
            ),
            id="key-field-not-secret",
        ),
        pytest.param(
            lambda d: d["fields"][1].update(required=False),
            (
                "fields",
                "fail",
                "fields: field 'private_key' feeds token.private_key; mark it required: true",
            ),
            id="key-field-not-required",
        ),
        pytest.param(
            lambda d: d["fields"].pop(1),
            (
                "fields",
                "fail",
                "fields: no field 'private_key' for token.private_key (default "
                "{{ fields.private_key }}); add {key: private_key, label: Private Key, "
                "required: true, secret: true} to fields",
            ),
            id="no-key-field",
        ),
        pytest.param(
            lambda d: d["token"].update(client_secret="{{ fields.private_key }}"),
            (
                "token",
                "fail",
                "token.client_secret: private_key_jwt sends no client secret (the assertion is "
                "signed with token.private_key); remove it",
            ),
            id="secret-with-private-key-jwt",
        ),
        pytest.param(
            lambda d: d["token"].update(client_auth="basic", key_id="k1"),
            (
                "token",
                "fail",
                "token.key_id: is used only with client_auth private_key_jwt, not basic; remove "
                "it or change client_auth",
            ),
            id="key-id-with-basic",
        ),
        pytest.param(
            lambda d: d["token"].update(assertion_alg="HS256"),
            (
                "token",
                "fail",
                "token.assertion_alg: private_key_jwt signs with an RS, PS, ES or EdDSA "
                "algorithm, not HS256",
            ),
            id="hmac-alg-for-a-key",
        ),
    ],
)
def test_private_key_rules(change: Any, expected: tuple[str, str, str]) -> None:
    data = config_data()
    change(data)
    assert expected in findings(data)


def test_rfc7523_a_private_key_written_in_the_file_fails_wherever_it_is() -> None:
    pem = rsa_pem()
    reason = (
        "holds a private key; keys stay out of repositories: reference a secret field "
        "({{ fields.private_key }}) and give its value in the environment"
    )
    data = config_data(private_key=pem)
    assert ("token", "fail", f"token.private_key: {reason}") in findings(data)
    assert (
        "token",
        "fail",
        "token.private_key: must be a {{ fields.KEY }} reference to a secret field, never a "
        "value written in the file",
    ) in findings(data)
    data = config_data()
    data["fields"][1]["default"] = pem
    found = findings(data)
    assert ("fields", "fail", f"fields[1].default: {reason}") in found
    data = config_data()
    data["fields"].append(
        {"key": "notes", "label": "Notes", "default": json.dumps(ec_key().as_dict(private=True))}
    )
    assert ("fields", "fail", f"fields[2].default: {reason}") in findings(data)


def test_the_private_key_field_is_the_one_token_private_key_names() -> None:
    config = parse(Document("x.oauthcc.yaml", config_data(private_key="{{ fields.signing_key }}")))
    assert private_key_field(config) == "signing_key"
    basic = config_data(client_auth="basic")
    assert private_key_field(parse(Document("x.oauthcc.yaml", basic))) is None


@pytest.mark.parametrize(
    ("alg", "kty"),
    [(None, "EC"), ("ES384", "EC"), ("RS256", "RSA"), ("PS512", "RSA"), ("EdDSA", "OKP")],
)
def test_mock_mode_makes_up_a_key_of_the_algorithms_type(alg: str | None, kty: str) -> None:
    config = parse(
        Document("x.oauthcc.yaml", config_data(**({"assertion_alg": alg} if alg else {})))
    )
    values, missing = resolve_values(config, {}, live=False)
    assert missing == []
    signer = private_key_signer(values["private_key"], alg=alg)
    assert signer.public_jwk()["kty"] == kty
    again, _ = resolve_values(config, {}, live=False)
    assert again["private_key"] != values["private_key"]  # per check, like a made-up secret


def test_a_flattened_pem_and_jwk_json_are_read_as_keys() -> None:
    pem = rsa_pem()
    assert private_key_value(pem.replace("\n", "\\n")) == pem
    assert private_key_value(pem) == pem
    jwk = ec_key().as_dict(private=True)
    assert private_key_value(json.dumps(jwk)) == jwk
    assert private_key_value("{not json") == "{not json"
    assert invent_private_key(None).startswith("-----BEGIN PRIVATE KEY-----\n")


def test_env_files_carry_a_multi_line_pem_in_double_quotes(tmp_path: Path) -> None:
    pem = rsa_pem().strip()
    env = tmp_path / "ci.env"
    env.write_text(f'A=1\nOAUTHCC_PARTNERX_PRIVATE_KEY="{pem}"\nB="two"\n')
    assert read_env_file(env) == {"A": "1", "OAUTHCC_PARTNERX_PRIVATE_KEY": pem, "B": "two"}


def test_an_unclosed_quoted_value_is_refused_by_line_without_its_value(tmp_path: Path) -> None:
    env = tmp_path / "ci.env"
    env.write_text('A=1\nKEY="-----BEGIN PRIVATE KEY-----\nMIIsecret\n')
    with pytest.raises(Exception) as caught:
        read_env_file(env)
    assert "2: the quoted value is never closed" in str(caught.value)
    assert "MIIsecret" not in str(caught.value)


def provider_transport(endpoint: JwtEndpoint) -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.host == "api.example.test":
            token = request.headers.get("Authorization", "").removeprefix("Bearer ")
            if not token.startswith("tok-") or token in endpoint.revoked:
                return httpx.Response(
                    401, headers={"WWW-Authenticate": 'Bearer error="invalid_token"'}
                )
            return httpx.Response(200, json={"app": {"id": "app-7", "name": "Demo"}})
        return endpoint(request)

    return httpx.MockTransport(handle)


def live_check(tmp_path: Path, endpoint: JwtEndpoint, environ: dict[str, str], **token: Any) -> Any:
    path = tmp_path / "partnerx.oauthcc.json"
    path.write_text(json.dumps(config_data(**token)))
    return Connection.load(path).check(
        live=True, environ=environ, transport=provider_transport(endpoint)
    )


@pytest.mark.parametrize("flatten", [False, True], ids=["pem", "flattened-pem"])
def test_live_mode_signs_an_assertion_the_provider_accepts(tmp_path: Path, flatten: bool) -> None:
    endpoint = JwtEndpoint(public_jwk(rsa_key(), kid="2024-01"), secret=None, start=time.time())
    pem = rsa_pem()
    environ = {
        "OAUTHCC_PARTNERX_CLIENT_ID": CLIENT_ID,
        "OAUTHCC_PARTNERX_PRIVATE_KEY": pem.replace("\n", "\\n") if flatten else pem,
    }
    result = live_check(tmp_path, endpoint, environ, key_id="2024-01")
    assert {s.step: s.status for s in result.steps} == {
        "fields": "pass",
        "token": "pass",
        "refresh": "skip",
        "revoke": "pass",
        "test": "pass",
        "label": "pass",
        "allowed_domains": "pass",
        "unique_id": "pass",
        "request_defaults": "skip",
    }
    assert result["token"].reason.startswith(f"POST {TOKEN_URL} (private_key_jwt) -> 200")
    assert all(v.method == "private_key_jwt" for v in endpoint.verified)
    jtis = [c["jti"] for c in endpoint.claims]
    assert len(jtis) == len(set(jtis)) >= 2  # token(s) and the revocation, each its own
    text = str(result.to_json()) + repr(result)
    assert "PRIVATE KEY" not in text
    assert all(form["client_assertion"] not in text for form in endpoint.forms)


def test_live_mode_with_a_key_the_provider_does_not_know_fails_the_token_step(
    tmp_path: Path,
) -> None:
    endpoint = JwtEndpoint(public_jwk(rsa_key("other")), secret=None, start=time.time())
    environ = {"OAUTHCC_PARTNERX_CLIENT_ID": CLIENT_ID, "OAUTHCC_PARTNERX_PRIVATE_KEY": rsa_pem()}
    result = live_check(tmp_path, endpoint, environ)
    assert result["token"].status == "fail"
    assert "invalid_client" in result["token"].reason


def test_live_mode_with_a_damaged_key_says_so_without_the_key(tmp_path: Path) -> None:
    endpoint = JwtEndpoint(public_jwk(rsa_key()), secret=None, start=time.time())
    environ = {"OAUTHCC_PARTNERX_CLIENT_ID": CLIENT_ID, "OAUTHCC_PARTNERX_PRIVATE_KEY": "nope"}
    result = live_check(tmp_path, endpoint, environ)
    assert result["token"].status == "fail"
    assert result["token"].reason == (
        "the reference client refuses this configuration: private_key must be a PEM private "
        "key ('-----BEGIN ... PRIVATE KEY-----') or a private JWK dict"
    )
    assert endpoint.requests == []


def test_live_client_secret_jwt_with_an_ec_audience_override(tmp_path: Path) -> None:
    secret = "a-client-secret-of-at-least-32-bytes-for-hs256!"
    endpoint = JwtEndpoint(secret=secret, start=time.time())
    data = config_data(
        client_auth="client_secret_jwt", assertion_audience="https://auth.example.test"
    )
    data["fields"][1] = {
        "key": "client_secret",
        "label": "Client Secret",
        "secret": True,
        "required": True,
    }
    path = tmp_path / "partnerx.oauthcc.json"
    path.write_text(json.dumps(data))
    environ = {"OAUTHCC_PARTNERX_CLIENT_ID": CLIENT_ID, "OAUTHCC_PARTNERX_CLIENT_SECRET": secret}
    result = Connection.load(path).check(
        live=True, environ=environ, transport=provider_transport(endpoint)
    )
    assert result["token"].status == "pass", result["token"].reason
    assert result["revoke"].status == "pass", result["revoke"].reason
    assert {c["aud"] for c in endpoint.claims} == {"https://auth.example.test"}
    assert {v.method for v in endpoint.verified} == {"client_secret_jwt"}
    assert secret not in str(result.to_json())


def test_live_mode_reads_a_multi_line_pem_from_the_env_file(tmp_path: Path) -> None:
    endpoint = JwtEndpoint(public_jwk(ec_key()), secret=None, start=time.time())
    pem = ec_key().as_pem(private=True).decode().strip()
    env = tmp_path / "ci.env"
    env.write_text(
        f'OAUTHCC_PARTNERX_CLIENT_ID={CLIENT_ID}\nexport OAUTHCC_PARTNERX_PRIVATE_KEY="{pem}"\n'
    )
    path = tmp_path / "partnerx.oauthcc.json"
    path.write_text(json.dumps(config_data()))
    result = Connection.load(path).check(
        live=True, env_file=env, environ={}, transport=provider_transport(endpoint)
    )
    assert result["token"].status == "pass", result["token"].reason
    assert endpoint.verified[0].alg == "ES256"


def test_mock_mode_makes_up_secrets_long_enough_for_hs512() -> None:
    data = config_data(client_auth="client_secret_jwt", assertion_alg="HS512")
    data["fields"][1] = {"key": "client_secret", "label": "Secret", "secret": True}
    values, _ = resolve_values(parse(Document("x.oauthcc.yaml", data)), {}, live=False)
    assert len(values["client_secret"].encode()) >= 64  # RFC 7518 §3.2 for HS512


OKTA = Path(__file__).parents[2] / "examples" / "connections" / "okta-management-api.oauthcc.yaml"


def test_mock_mode_registers_the_public_half_of_the_made_up_key() -> None:
    from pytest_oauthcc.connection.config.model import load_config
    from pytest_oauthcc.connection.steps.session import open_session
    from pytest_oauthcc.connection.steps.token_steps import check_token, check_wrong_secret

    config = load_config(OKTA)
    values, _ = resolve_values(config, {"client_id": "svc-1"}, live=False)
    session = open_session(config, values, live=False, transport=None)
    assert session.mock is not None
    provider = session.mock.provider
    registered = provider.client("svc-1")
    assert registered is not None
    assert registered.client_secret is None
    assert registered.auth_methods == ("private_key_jwt",)
    signer = private_key_signer(values["private_key"], kid="2024-01")
    assert registered.jwks == {"keys": [signer.public_jwk()]}
    cc = session.client()
    with session.http(cc) as http:
        assert check_token(session, cc, http).status == "pass"
    # A key the provider does not know is refused with invalid_client, so the step passes.
    assert check_wrong_secret(session) is None
    methods = [(r.auth_method, r.status) for r in provider.token_requests]
    assert methods == [("private_key_jwt", 200), ("private_key_jwt", 401)]
    session.close()


def test_mock_mode_check_of_a_private_key_jwt_config_passes_every_step() -> None:
    result = Connection.load(OKTA).check()
    assert {s.step: s.status for s in result.steps} == {
        "fields": "pass",
        "token": "pass",
        "refresh": "skip",
        "revoke": "pass",
        "test": "pass",
        "label": "pass",
        "allowed_domains": "pass",
        "unique_id": "pass",
        "request_defaults": "pass",
    }
    assert result["token"].reason.startswith(
        "POST https://dev-123456.okta.com/oauth2/v1/token (private_key_jwt) -> 200"
    )
    assert "PRIVATE KEY" not in str(result.to_json())


def test_mock_mode_client_secret_jwt(tmp_path: Path) -> None:
    data = config_data(client_auth="client_secret_jwt", assertion_alg="HS512")
    data["fields"][1] = {
        "key": "client_secret",
        "label": "Client Secret",
        "secret": True,
        "required": True,
    }
    data["mock"] = {"test_response": {"app": {"id": "app-7", "name": "Demo"}}}
    path = tmp_path / "partnerx.oauthcc.json"
    path.write_text(json.dumps(data))
    result = Connection.load(path).check()  # the made-up secret is long enough for HS512
    failing = {s.step: s.reason for s in result.steps if s.status == "fail"}
    assert failing == {}
    assert result["token"].reason.startswith(f"POST {TOKEN_URL} (client_secret_jwt) -> 200")
