"""Static rules: each names its step and a reason a connector author understands."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mock_provider.protocol import is_loopback
from pytest_oauthcc.connection.config.loading import Document, load_document
from pytest_oauthcc.connection.config.model import parse
from pytest_oauthcc.connection.config.values import resolve_values
from pytest_oauthcc.connection.rules import Finding, domain_allowed, static_findings

SERVICEX = Path(__file__).parents[2] / "examples" / "connections" / "servicex.oauthcc.yaml"
BASE: dict[str, Any] = load_document(SERVICEX).data


def findings(**changes: Any) -> list[tuple[str, str, str]]:
    data = json.loads(json.dumps(BASE))
    for dotted, value in changes.items():
        *parents, last = dotted.split("__")
        target = data
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        target[last] = value
    config = parse(Document("x.oauthcc.yaml", data))
    values, _ = resolve_values(config, {}, live=False)
    found: list[Finding] = static_findings(config, values)
    return [(f.step, f.status, f.reason) for f in found]


def test_the_reference_example_has_no_findings() -> None:
    assert findings() == []


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        pytest.param(
            {"fields": [*BASE["fields"], {"key": "api_key", "label": "API Key"}]},
            (
                "fields",
                "fail",
                "fields[3].secret: field 'api_key' (API Key) looks like a "
                "credential; mark it secret: true so it is masked and never logged",
            ),
            id="secret-looking-field-must-be-secret",
        ),
        pytest.param(
            {
                "fields__1__secret": False,
                "fields__1__label": "Client Passcode",
                "fields__1__key": "client_pin",
                "token": {**BASE["token"], "client_secret": "{{ fields.client_pin }}"},
            },
            (
                "fields",
                "fail",
                "fields: field 'client_pin' holds the client secret; mark it secret: true",
            ),
            id="the-secret-field-must-be-secret",
        ),
        pytest.param(
            {"fields__2__options": ["sandbox", "prod"], "fields__2__default": "prod"},
            (
                "fields",
                "fail",
                "environments: environment names production, sandbox do not "
                "match the options of field 'environment' (sandbox, prod)",
            ),
            id="environment-names-match-options",
        ),
        pytest.param(
            {"environments__production__token_url": "http://auth.servicex.com/oauth/token"},
            (
                "token",
                "fail",
                "token.url: http://auth.servicex.com/oauth/token (environment "
                "production) must use HTTPS (RFC 6749 §3.2)",
            ),
            id="rfc6749_3_2-https-except-loopback",
        ),
        pytest.param(
            {"token__extra_params": {"scopes": "read"}},
            (
                "token",
                "fail",
                "token.extra_params.scopes: 'scopes' is not a standard parameter; "
                "RFC 6749 §3.3 sends scopes as 'scope' (use token.scopes)",
            ),
            id="rfc6749_3_3-scope-under-a-non-standard-name",
        ),
        pytest.param(
            {"token__extra_params": {"scope": ""}},
            (
                "token",
                "fail",
                "token.extra_params.scope: put scopes in token.scopes, not extra_params",
            ),
            id="rfc6749_3_3-scope-never-sent-empty",
        ),
        pytest.param(
            {"token__extra_params": {"client_id": "{{ fields.client_id }}"}},
            (
                "token",
                "fail",
                "token.extra_params.client_id: 'client_id' is sent by the grant "
                "itself (token.client_auth decides where credentials go); remove it to avoid "
                "duplicated credentials",
            ),
            id="rfc6749_2_3-no-duplicated-credentials",
        ),
        pytest.param(
            {
                "allowed_domains": [
                    "api.servicex.com",
                    "sandbox.api.servicex.com",
                    "auth.servicex.com",
                ]
            },
            (
                "allowed_domains",
                "fail",
                "sandbox.auth.servicex.com (environment sandbox) "
                "(token.url) is not covered by allowed_domains",
            ),
            id="every-host-covered",
        ),
        pytest.param(
            {"allowed_domains": ["*"]},
            (
                "allowed_domains",
                "fail",
                "allowed_domains[0]: '*' allows every host; list the exact hosts (or *.domain)",
            ),
            id="bare-star-refused",
        ),
        pytest.param(
            {"request_defaults": {"query": {"key": "{{ fields.client_secret }}"}}},
            (
                "request_defaults",
                "fail",
                "request_defaults.query.key: references the secret "
                "field 'client_secret'; secrets are sent only in the token request",
            ),
            id="no-secret-in-request-defaults",
        ),
        pytest.param(
            {"label": "ServiceX {{ token.access_token }}"},
            (
                "label",
                "fail",
                "label: references the token (token.access_token); tokens go only "
                "in the Authorization header",
            ),
            id="no-token-in-label",
        ),
        pytest.param(
            {"unique_id": "{{ fields.client_secret }}"},
            (
                "unique_id",
                "fail",
                "unique_id: references the secret field 'client_secret'; "
                "secrets are sent only in the token request",
            ),
            id="no-secret-in-unique-id",
        ),
        pytest.param(
            {"test__url": "{{ env.base_url }}/me?key={{ fields.client_secret }}"},
            (
                "test",
                "fail",
                "test.url: references the secret field 'client_secret'; secrets "
                "are sent only in the token request",
            ),
            id="no-secret-in-urls",
        ),
        pytest.param(
            {"label": "{{ fields.region }}"},
            (
                "label",
                "fail",
                "label: {{ fields.region }} does not resolve: no field 'region' "
                "(fields: client_id, client_secret, environment)",
            ),
            id="placeholders-resolve-fields",
        ),
        pytest.param(
            {"test__url": "{{ env.api_url }}/me"},
            (
                "test",
                "fail",
                "test.url: {{ env.api_url }} does not resolve: 'api_url' must be "
                "set in every environment",
            ),
            id="placeholders-resolve-env",
        ),
        pytest.param(
            {"unique_id": "{{ test.app.uuid }}"},
            (
                "unique_id",
                "fail",
                "unique_id: {{ test.app.uuid }} does not resolve: no 'uuid' in "
                "test.app; test.app has: id, name (in mock.test_response)",
            ),
            id="placeholders-resolve-test",
        ),
        pytest.param(
            {"test__url": "{{ test.app.id }}"},
            (
                "test",
                "fail",
                "test.url: {{ test.app.id }} is not available here; test may use fields, env",
            ),
            id="test-namespace-only-after-the-test",
        ),
        pytest.param(
            {
                "refresh": {
                    "url": "https://auth.servicex.com/oauth/token",
                    "grant_type": "refresh_token",
                }
            },
            (
                "refresh",
                "warn",
                "refresh.grant_type: refresh tokens are unusual for client "
                "credentials (RFC 6749 §4.4.3); keep this only if the provider documents it",
            ),
            id="rfc6749_4_4_3-refresh-token-grant-warns",
        ),
        pytest.param(
            {"test__expect": {"status": [200, 401]}},
            ("test", "fail", "test.expect.status: expected statuses must be 2xx, got 401"),
            id="test-must-not-accept-errors",
        ),
        pytest.param(
            {"token__renew_before": 3600},
            (
                "token",
                "fail",
                "token.renew_before: renew_before (3600s) must be shorter than the "
                "token lifetime (3600s), or every call renews",
            ),
            id="renew-before-shorter-than-lifetime",
        ),
    ],
)
def test_rule(changes: dict[str, Any], expected: tuple[str, str, str]) -> None:
    assert expected in findings(**changes)


def test_findings_carry_the_line_of_their_key() -> None:
    data = json.loads(json.dumps(BASE))
    data["allowed_domains"] = ["*"]
    doc = load_document(SERVICEX)
    config = parse(Document(doc.path, data, doc.lines))
    values, _ = resolve_values(config, {}, live=False)
    lines = {f.line for f in static_findings(config, values) if f.step == "allowed_domains"}
    assert lines == {26}


@pytest.mark.parametrize(
    ("host", "allowed", "expected"),
    [
        ("api.x.com", ("api.x.com",), True),
        ("API.X.COM.", ("api.x.com",), True),
        ("a.x.com", ("*.x.com",), True),
        ("a.b.x.com", ("*.x.com",), True),
        ("x.com", ("*.x.com",), False),  # *.x = subdomains only
        ("evilx.com", ("*.x.com",), False),
        ("x.com.evil.io", ("x.com",), False),
    ],
)
def test_domain_matching(host: str, allowed: tuple[str, ...], expected: bool) -> None:
    assert domain_allowed(host, allowed) is expected


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("localhost", True),
        ("127.0.0.1", True),
        ("127.8.9.1", True),
        ("[::1]", True),
        ("::1", True),
        ("localhost.evil.com", False),
        ("10.0.0.1", False),
        ("example.com", False),
    ],
)
def test_loopback(host: str, expected: bool) -> None:
    assert is_loopback(host) is expected


def test_a_secret_written_in_the_file_fails_and_is_never_echoed() -> None:
    found = findings(token={**BASE["token"], "client_secret": "hunter2-literal"})
    assert (
        "token",
        "fail",
        "token.client_secret: must be a {{ fields.KEY }} reference to a secret field, never a "
        "value written in the file",
    ) in found
    assert "hunter2" not in str(found)


def test_schema_errors_never_echo_a_secret_value() -> None:
    from pytest_oauthcc.connection.errors import ConfigError

    data = json.loads(json.dumps(BASE))
    data["token"]["client_secret"] = 12345678
    data["fields"][1]["default"] = ["hunter2"]
    with pytest.raises(ConfigError) as info:
        parse(Document("x.oauthcc.yaml", data))
    text = str(info.value)
    assert "token.client_secret: must be string, got <redacted>" in text
    assert "12345678" not in text
    assert "hunter2" not in text


def test_a_secret_field_has_no_value_in_the_file() -> None:
    fields = json.loads(json.dumps(BASE["fields"]))
    fields[1]["default"] = "hunter2"
    found = findings(fields=fields)
    assert (
        "fields",
        "fail",
        "fields[1].default: secret field 'client_secret' has a value in the file; remove it "
        "(secrets stay out of repositories)",
    ) in found
    assert "hunter2" not in str(found)


@pytest.mark.parametrize(
    ("entry", "why"),
    [
        pytest.param("*.com", "the public suffix 'com'", id="icann-tld"),
        pytest.param("*.co.uk", "the public suffix 'co.uk'", id="icann-second-level"),
        pytest.param("*.github.io", "the public suffix 'github.io'", id="private-section"),
        pytest.param("*.CO.UK.", "the public suffix 'co.uk'", id="case-and-root-dot"),
        pytest.param("*.nosuchtld", "the public suffix 'nosuchtld'", id="unknown-tld"),
        pytest.param("*.example", "'example', a special-use name", id="rfc2606-example"),
        pytest.param("*.test", "'test', a special-use name", id="rfc6761-test"),
        pytest.param("*.invalid", "'invalid', a special-use name", id="rfc6761-invalid"),
        pytest.param("*.localhost", "'localhost', a special-use name", id="rfc6761-localhost"),
    ],
)
def test_a_wildcard_over_a_public_suffix_is_refused(entry: str, why: str) -> None:
    domains = [entry, *BASE["allowed_domains"]]
    (finding,) = findings(allowed_domains=domains)
    step, status, reason = finding
    assert (step, status) == ("allowed_domains", "fail")
    assert reason.startswith(f"allowed_domains[0]: {entry!r} is a wildcard over {why}")


@pytest.mark.parametrize(
    "entry", ["*.servicex.com", "*.example.com", "*.example.co.uk", "*.zohoapis.eu"]
)
def test_a_wildcard_over_an_organisations_domain_is_allowed(entry: str) -> None:
    domains = [entry, *BASE["allowed_domains"]]
    assert findings(allowed_domains=domains) == []


def test_the_public_suffix_list_is_bundled_not_downloaded(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    from pytest_oauthcc.connection.rules import suffixes

    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("the Public Suffix List must not be fetched")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    suffixes._suffixes.cache_clear()
    assert suffixes.public_suffix_problem("*.co.uk") is not None
