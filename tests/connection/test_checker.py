"""The checker: every example passes, every broken fixture fails exactly its step."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_oauthcc import Connection
from pytest_oauthcc.connection.errors import ConfigError
from pytest_oauthcc.connection.results import STEPS, CheckResult

HERE = Path(__file__).parent
EXAMPLES = sorted((HERE.parents[1] / "examples" / "connections").glob("*.oauthcc.*"))
BROKEN = sorted((HERE / "broken").glob("*.oauthcc.*"))


def statuses(result: CheckResult) -> dict[str, str]:
    return {s.step: s.status for s in result.steps}


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_example_passes_every_configured_step(path: Path) -> None:
    result = Connection.load(path).check()
    assert [s.step for s in result.steps] == list(STEPS)
    failing = {s.step: s.reason for s in result.steps if s.status in ("fail", "warn")}
    assert failing == {}
    # Skips only for optional steps the example does not configure.
    skipped = {s.step for s in result.steps if s.status == "skip"}
    assert skipped <= {"refresh", "revoke", "request_defaults"}


def test_examples_cover_the_documented_provider_behaviours() -> None:
    configs = [Connection.load(p).config for p in EXAMPLES]
    assert len(configs) >= 6
    assert any("audience" in c.token.extra_params for c in configs)
    assert any(c.token.client_auth == "body" for c in configs)
    assert any(s.endswith("/.default") for c in configs for s in c.token.scopes)
    assert any(c.environments for c in configs)
    assert any(c.token.token_format == "jwt" for c in configs)
    assert any(c.token.expires_in_path is None for c in configs)
    placements = {(c.token_placement.token_header, c.token_placement.token_prefix) for c in configs}
    assert ("Authorization", "Zoho-oauthtoken ") in placements  # a prefix API
    assert ("X-Auth-Token", "") in placements  # a custom-header API


@pytest.mark.parametrize("path", BROKEN, ids=lambda p: p.name)
def test_each_broken_fixture_fails_exactly_its_step(path: Path) -> None:
    expected_step = path.name.split("--")[0]
    result = Connection.load(path).check()
    failed = [s.step for s in result.steps if s.status == "fail"]
    assert failed == [expected_step], [str(s) for s in result.steps]
    reason = result[expected_step].reason
    assert reason
    assert "\n" not in reason


def test_broken_fixtures_cover_every_step_but_none_invalid() -> None:
    covered = {p.name.split("--")[0] for p in BROKEN}
    assert covered == set(STEPS)


def test_a_wrong_secret_fails_the_token_step_with_the_providers_error() -> None:
    from mock_provider import MockProvider

    provider = MockProvider()
    provider.add_client("app-1", "right-secret")
    with provider.serve() as server:
        config = _loopback_config(server.url)
        result = Connection.load(config, fields={"client_id": "app-1"}).check(
            live=True, environ={"OAUTHCC_LOOPBACK_CLIENT_SECRET": "wrong-secret"}
        )
    token = result["token"]
    assert token.status == "fail"
    assert "invalid_client" in token.reason
    assert "client authentication failed" in token.reason
    assert any("-> 401 invalid_client" in line for line in token.transcript)
    text = repr(result) + str(result.to_json())
    assert "wrong-secret" not in text
    assert "right-secret" not in text
    assert {s.step: s.status for s in result.steps if s.status != "skip"} == {
        "fields": "pass",
        "token": "fail",
        "allowed_domains": "pass",
    }


_LOOPBACK = """\
version: 1
name: Loopback
fields:
  - {{key: client_id, label: Client ID, required: true}}
  - {{key: client_secret, label: Client Secret, secret: true, required: true}}
token: {{url: "{url}/oauth/token", scopes: [read]}}
revoke: {{url: "{url}/oauth/revoke"}}
test: {{url: "{url}/api/me", expect: {{status: [200], body_has: [client_id]}}}}
label: "Loopback {{{{ test.client_id }}}}"
allowed_domains: [127.0.0.1]
unique_id: "{{{{ test.client_id }}}}"
request_defaults: {{query: {{v: "2"}}}}
"""


def _loopback_config(url: str, directory: Path | None = None) -> Path:
    import tempfile

    folder = directory or Path(tempfile.mkdtemp())
    path = folder / "loopback.oauthcc.yaml"
    path.write_text(_LOOPBACK.format(url=url))
    return path


def test_live_mode_runs_every_step_against_a_real_server(tmp_path: Path) -> None:
    from mock_provider import MockProvider

    provider = MockProvider()
    provider.add_client("app-1", "s3cret-value", scopes=["read"])
    env_file = tmp_path / "oauthcc.env"
    env_file.write_text(
        "# values for live checks\n"
        "OAUTHCC_LOOPBACK_CLIENT_ID=app-1\n"
        "export OAUTHCC_LOOPBACK_CLIENT_SECRET='s3cret-value'\n"
    )
    with provider.serve() as server:
        path = _loopback_config(server.url, tmp_path)
        result = Connection.load(path).check(live=True, env_file=env_file, environ={})
    assert statuses(result) == {
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
    # The revoke step revoked only the token the check obtained: the last one issued.
    revoked = [t for t in provider.tokens if t.revoked]
    assert [t.fingerprint for t in revoked] == [provider.tokens[-1].fingerprint]
    assert "s3cret-value" not in str(result.to_json())


def test_live_mode_names_the_variables_of_missing_required_fields(tmp_path: Path) -> None:
    path = _loopback_config("http://127.0.0.1:9", tmp_path)
    result = Connection.load(path).check(live=True, environ={})
    assert result["fields"].status == "fail"
    assert result["fields"].reason == (
        "required fields have no value; set OAUTHCC_LOOPBACK_CLIENT_ID, "
        "OAUTHCC_LOOPBACK_CLIENT_SECRET"
    )


def test_unknown_field_values_are_refused(tmp_path: Path) -> None:
    path = _loopback_config("https://127.0.0.1", tmp_path)
    with pytest.raises(ConfigError) as info:
        Connection.load(path, fields={"clientid": "x"})
    assert "no field 'clientid' to set (fields: client_id, client_secret)" in str(info.value)


REFRESH = """\
version: 1
name: Refreshing
fields:
  - {key: client_id, label: Client ID, required: true}
  - {key: client_secret, label: Client Secret, secret: true, required: true}
token: {url: "https://auth.example.com/oauth/token"}
refresh: {url: "https://auth.example.com/oauth/refresh", grant_type: GRANT}
test: {url: "https://api.example.com/v1/me"}
label: "Example"
allowed_domains: [auth.example.com, api.example.com]
unique_id: "{{ test.client_id }}"
"""


@pytest.mark.parametrize(
    ("grant", "status", "reason"),
    [
        (
            "client_credentials",
            "pass",
            "POST https://auth.example.com/oauth/refresh -> a working token",
        ),
        (
            "refresh_token",
            "warn",
            "refresh.grant_type: refresh tokens are unusual for client "
            "credentials (RFC 6749 §4.4.3); keep this only if the provider documents it",
        ),
    ],
)
def test_refresh_runs_only_when_configured(
    tmp_path: Path, grant: str, status: str, reason: str
) -> None:
    path = tmp_path / "refresh.oauthcc.yaml"
    path.write_text(REFRESH.replace("GRANT", grant))
    result = Connection.load(path).check()
    assert (result["refresh"].status, result["refresh"].reason) == (status, reason)
    assert result.passed


def test_failure_transcripts_are_redacted(tmp_path: Path) -> None:
    path = HERE / "broken" / "test--missing-member.oauthcc.yaml"
    result = Connection.load(path, fields={"client_secret": "do-not-print-me"}).check()
    transcript = result["test"].transcript
    assert transcript
    assert transcript[0].startswith("GET https://api.example.com/v1/me authorization: Bearer fp:")
    assert transcript[0].endswith("-> 200")
    assert "do-not-print-me" not in str(result.to_json())


def test_repr_shows_no_field_values(tmp_path: Path) -> None:
    path = _loopback_config("https://127.0.0.1", tmp_path)
    connection = Connection.load(path, fields={"client_secret": "hidden-value"})
    assert "hidden-value" not in repr(connection)
    assert repr(connection) == f"Connection(name='Loopback', path={str(path)!r})"


REFRESH_LIVE = """\
version: 1
name: Refresh Live
fields:
  - {key: client_id, label: Client ID, required: true}
  - {key: client_secret, label: Client Secret, secret: true, required: true}
token: {url: "https://auth.example.com/oauth/token"}
refresh: {url: "https://auth.example.com/oauth/refresh", grant_type: refresh_token}
test: {url: "https://auth.example.com/api/me"}
label: "Example"
allowed_domains: [auth.example.com]
unique_id: "{{ test.client_id }}"
"""


@pytest.mark.parametrize("issues_refresh_token", [True, False])
def test_live_refresh_token_grant_uses_the_checks_own_refresh_token(
    tmp_path: Path, issues_refresh_token: bool
) -> None:
    import json
    from urllib.parse import parse_qsl

    import httpx

    from mock_provider import MockProvider

    provider = MockProvider("https://auth.example.com")
    provider.add_client("app-1", "s3cret-value")
    inner = provider.transport()
    presented: list[dict[str, str]] = []

    def provider_with_refresh_tokens(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/refresh":
            presented.append(dict(parse_qsl(request.read().decode())))
            token = provider.issue_token("app-1")
            return httpx.Response(200, json={"access_token": token.value, "token_type": "Bearer"})
        response = inner.handle_request(request)
        if request.url.path == "/oauth/token" and issues_refresh_token:
            body = json.loads(response.read())
            return httpx.Response(200, json={**body, "refresh_token": "rt-of-this-check"})
        return response

    path = tmp_path / "refresh.oauthcc.yaml"
    path.write_text(REFRESH_LIVE)
    result = Connection.load(path, fields={"client_id": "app-1"}).check(
        live=True,
        environ={"OAUTHCC_REFRESH_LIVE_CLIENT_SECRET": "s3cret-value"},
        transport=httpx.MockTransport(provider_with_refresh_tokens),
    )
    refresh = result["refresh"]
    if issues_refresh_token:
        assert presented == [{"grant_type": "refresh_token", "refresh_token": "rt-of-this-check"}]
        # Exercised and working; the static warning (RFC 6749 §4.4.3) still stands.
        assert refresh.status == "warn"
        assert "rt-of-this-check" not in str(result.to_json())
    else:
        assert presented == []
        assert (refresh.status, refresh.reason) == (
            "fail",
            "the token answer had no refresh_token; remove the refresh step (RFC 6749 §4.4.3)",
        )


def test_a_refused_revocation_fails_only_the_revoke_step(tmp_path: Path) -> None:
    import httpx

    from mock_provider import MockProvider

    provider = MockProvider("https://auth.example.com")
    provider.add_client("app-1", "s3cret-value", scopes=["read"])
    inner = provider.transport()

    def revocation_down(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/revoke":
            return httpx.Response(503, json={"error": "temporarily_unavailable"})
        return inner.handle_request(request)

    path = tmp_path / "loopback.oauthcc.yaml"
    path.write_text(
        _LOOPBACK.format(url="https://auth.example.com").replace(
            "[127.0.0.1]", "[auth.example.com]"
        )
    )
    result = Connection.load(path, fields={"client_id": "app-1"}).check(
        live=True,
        environ={"OAUTHCC_LOOPBACK_CLIENT_SECRET": "s3cret-value"},
        transport=httpx.MockTransport(revocation_down),
    )
    assert [s.step for s in result.steps if s.status == "fail"] == ["revoke"]
    assert "503" in result["revoke"].reason
    assert any("/oauth/revoke" in line and "-> 503" in line for line in result["revoke"].transcript)


DATA_CENTRES = """\
version: 1
name: Zoho Style
fields:
  - {key: client_id, label: Client ID, required: true}
  - {key: client_secret, label: Client Secret, secret: true, required: true}
  - {key: data_center, label: Data centre, options: [us, eu], default: us}
environment_field: data_center
environments:
  us: {accounts: "https://accounts.zoho.com", api: "https://www.zohoapis.com"}
  eu: {accounts: "https://accounts.zoho.eu", api: "https://www.zohoapis.eu"}
token: {url: "{{ env.accounts }}/oauth/v2/token"}
test: {url: "{{ env.api }}/crm/v2/users/me"}
label: "Zoho {{ fields.data_center }}"
allowed_domains: [accounts.zoho.com, accounts.zoho.eu, www.zohoapis.com, www.zohoapis.eu]
unique_id: "{{ test.client_id }}"
"""


@pytest.mark.parametrize("centre", ["us", "eu"])
def test_the_environment_selector_may_be_any_field(tmp_path: Path, centre: str) -> None:
    path = tmp_path / "zoho.oauthcc.yaml"
    path.write_text(DATA_CENTRES)
    result = Connection.load(path, fields={"data_center": centre}).check()
    assert result.passed, [str(s) for s in result.steps]
    tld = "com" if centre == "us" else "eu"
    assert result["token"].reason.startswith(f"POST https://accounts.zoho.{tld}/oauth/v2/token ")
    assert result["label"].reason == f"renders 'Zoho {centre}'"


def test_a_missing_selector_field_is_named(tmp_path: Path) -> None:
    path = tmp_path / "zoho.oauthcc.yaml"
    path.write_text(DATA_CENTRES.replace("environment_field: data_center", "environment_field: dc"))
    result = Connection.load(path).check()
    assert (result["fields"].status, result["fields"].line) == ("fail", 8)
    assert result["fields"].reason == (
        "environments: environments need a field 'dc' whose options are eu, us; add it, or "
        "name another field in environment_field"
    )


@pytest.mark.parametrize(
    ("name", "line", "reason"),
    [
        (
            "test--plain-http",
            8,
            "test.url: http://api.example.com/v1/me must use HTTPS (RFC 6749 §3.2)",
        ),
        (
            "allowed_domains--public-suffix-wildcard",
            11,
            "allowed_domains[0]: '*.co.uk' is a wildcard over the public suffix 'co.uk', under "
            "which anyone can register a domain; list the exact hosts, or *.<your domain>",
        ),
        (
            "allowed_domains--reserved-name-wildcard",
            10,
            "allowed_domains[0]: '*.example' is a wildcard over 'example', a special-use name "
            "(RFC 2606 §2, RFC 6761 §6) with no real hosts; list the real host names",
        ),
        (
            "fields--environment-field-not-a-selector",
            9,
            "environments: field 'data_center' chooses the environment but has no options; "
            "give it options: [eu, us]",
        ),
    ],
)
def test_new_broken_fixtures_name_the_line_and_what_to_do(
    name: str, line: int, reason: str
) -> None:
    result = Connection.load(HERE / "broken" / f"{name}.oauthcc.yaml").check()
    step = result[name.split("--")[0]]
    assert (step.status, step.line, step.reason) == ("fail", line, reason)
