"""Each broken fixture of issue 15 fails its step with a message naming the line and the fix."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pytest_oauthcc import Connection

BROKEN = Path(__file__).parent / "broken"


@pytest.mark.parametrize(
    ("name", "line", "reason"),
    [
        pytest.param(
            "fields--no-client-secret-field",
            4,
            "fields: no field 'client_secret' for token.client_secret (default "
            "{{ fields.client_secret }}); add {key: client_secret, label: Client Secret, "
            "required: true, secret: true} to fields",
            id="no-client-secret-field",
        ),
        pytest.param(
            "fields--no-client-id-field",
            4,
            "fields: no field 'client_id' for token.client_id (default "
            "{{ fields.client_id }}); add {key: client_id, label: Client ID, required: true} "
            "to fields",
            id="no-client-id-field",
        ),
        pytest.param(
            "fields--literal-client-id",
            8,
            "token.client_id is written in the file, so it is not a field the user can "
            "fill; add the field {key: client_id, label: Client ID, required: true} and "
            "write client_id: '{{ fields.client_id }}'",
            id="literal-client-id",
        ),
        pytest.param(
            "fields--client-id-field-not-required",
            4,
            "fields: field 'client_id' feeds token.client_id; mark it required: true",
            id="client-id-field-rules-apply",
        ),
        pytest.param(
            "request_defaults--literal-api-key",
            13,
            "request_defaults.query.api_key: 'api_key' names a credential; request defaults "
            "are sent in clear with every call, so remove it (the access token is the API "
            "credential)",
            id="credential-named-default",
        ),
        pytest.param(
            "request_defaults--secret-looking-value",
            15,
            "request_defaults.headers.X-Partner: the value looks like a JWT written in the "
            "file; remove it (secrets stay out of repositories and out of request defaults)",
            id="secret-looking-default",
        ),
        pytest.param(
            "test--prefix-on-a-query-token",
            8,
            "token_placement.prefix: a prefix applies to a header only; remove it, or use "
            "in: header",
            id="prefix-on-a-query-token",
        ),
        pytest.param(
            "request_defaults--overwrites-the-token-header",
            13,
            "request_defaults.headers.X-Session: X-Session carries the token "
            "(token_placement); remove it from the defaults",
            id="default-on-the-token-header",
        ),
        pytest.param(
            "token--all-powerful-scopes",
            9,
            "token.scopes[1]: '*' is a wildcard: it grants every permission; request only "
            "the scopes the calls need (least privilege)",
            id="wildcard-scope",
        ),
        pytest.param(
            "token--offline-access",
            9,
            "token.scopes[1]: 'offline_access' asks for offline (refresh-token) access for a "
            "user; client credentials has none; request only the scopes the calls need "
            "(least privilege)",
            id="offline-access",
        ),
        pytest.param(
            "test--needs-a-scope-not-requested",
            10,
            "test.scopes: the Test API needs profile.read, which token.scopes does not "
            "request; add it to token.scopes",
            id="needed-scope-not-requested",
        ),
    ],
)
def test_the_broken_fixture_names_line_and_fix(name: str, line: int, reason: str) -> None:
    path = BROKEN / f"{name}.oauthcc.yaml"
    step = name.split("--")[0]
    result = Connection.load(path).check()
    assert result.path == str(path)
    assert (result[step].status, result[step].line, result[step].reason) == ("fail", line, reason)


_TOKEN_URL = '"https://auth.example.com/oauth/token"'


def _config(tmp_path: Path, body: str, token: str = f"{{url: {_TOKEN_URL}}}") -> Path:
    path = tmp_path / "x.oauthcc.yaml"
    path.write_text(
        "version: 1\nname: X\nfields:\n"
        "  - {key: client_id, label: Client ID, required: true}\n"
        "  - {key: client_secret, label: Client Secret, secret: true, required: true}\n"
        f"token: {token}\n"
        'label: "X"\nallowed_domains: [auth.example.com, api.example.com]\n' + body
    )
    return path


def test_request_defaults_skip_when_no_api_call_went_out(tmp_path: Path) -> None:
    from mock_provider import MockProvider

    provider = MockProvider()
    provider.add_client("app", "s3cret-value-1")
    # Live, the Test API's host is outside allowed_domains: the call is refused unsent.
    path = _config(
        tmp_path,
        'test: {url: "https://api.elsewhere.org/api/me"}\nunique_id: "{{ test.client_id }}"\n'
        "request_defaults: {query: {v: '2'}}\n",
    )
    result = Connection.load(path, fields={"client_id": "app"}).check(
        live=True,
        environ={"OAUTHCC_X_CLIENT_SECRET": "s3cret-value-1"},
        transport=provider.transport(),
    )
    assert result["test"].status == "fail"
    assert (result["request_defaults"].status, result["request_defaults"].reason) == (
        "skip",
        "skipped: no API call went out (the test step failed)",
    )


def test_a_credential_header_default_is_judged_on_what_was_sent(tmp_path: Path) -> None:
    from pytest_oauthcc.connection.config.model import load_config
    from pytest_oauthcc.connection.steps import run_steps

    # X-Api-Key is redacted in every record; the step compares what went out.
    path = _config(
        tmp_path,
        'test: {url: "https://api.example.com/v1/me"}\nunique_id: "{{ test.client_id }}"\n'
        "request_defaults: {headers: {X-Api-Key: partner-7}}\n",
    )
    config = load_config(path)
    values = {"client_id": "app", "client_secret": "s3cret-value-1"}
    dynamic = run_steps(config, values, live=False, transport=None)
    assert (dynamic["request_defaults"].status, dynamic["request_defaults"].reason) == (
        "pass",
        "X-Api-Key on all 5 API call(s), on no token request",
    )
    # Statically, a default named like a credential is refused all the same.
    result = Connection.load(path).check()
    assert result["request_defaults"].status == "fail"
    assert "'X-Api-Key' names a credential" in result["request_defaults"].reason


def test_a_missing_credential_default_is_named_without_its_value(tmp_path: Path) -> None:
    from pytest_oauthcc.connection.steps.api_steps import _shown

    assert _shown("headers", "x-api-key", "partner-7") == "x-api-key: <redacted>"
    assert _shown("query", "v", "sk_live_4eC39HqLyjWDarjtT1zdp7dc") == "v=<redacted>"
    assert _shown("query", "v", "2") == "v=2"


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("sk_live_4eC39HqLyjWDarjtT1zdp7dc", "a Stripe secret key"),
        ("ghp_16C7e42F292c6912E7710c838347Ae178B4a", "a GitHub token"),
        ("AKIAIOSFODNN7EXAMPLE", "an AWS access key id"),
        ("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln", "a JWT"),
        ("glPCrn5NAlpnZirgSBzGEFuQe9I9zlI1", "a random string (a generated key or token)"),
        ("87ce18bbb16e4bc25218f2b59ff40ca7", "a random string (a generated key or token)"),
        ("application/json", None),
        ("2023-10-16", None),
        ("123e4567-e89b-12d3-a456-426614174000", None),
        ("odata.maxpagesize=100", None),
        ("my_service_name_v2_prod", None),
        ("https://api.example.com/v2", None),
    ],
)
def test_credential_values_are_recognised(value: str, kind: str | None) -> None:
    from pytest_oauthcc.connection.rules.credential_text import credential_value_kind

    assert credential_value_kind(value) == kind


@pytest.mark.parametrize(
    ("unique_id", "status", "reason"),
    [
        pytest.param(
            "{{ test.client_id }}",
            "pass",
            "'app', the same across two token requests; the provider handed back the same "
            "still-valid token (a sticky provider)",
            id="id-from-the-test-api",
        ),
        pytest.param(
            "{{ token.token_type }}",
            "warn",
            "'Bearer' both times, but the provider handed back the same still-valid token "
            "(a sticky provider), so an id from the token answer is not proven stable; "
            "prefer an id from the Test API",
            id="id-from-the-token-answer",
        ),
    ],
)
def test_unique_id_against_a_sticky_provider_is_judged_by_the_id(
    tmp_path: Path, unique_id: str, status: str, reason: str
) -> None:
    from mock_provider import MockProvider

    provider = MockProvider()
    provider.add_client("app", "s3cret-value-1")
    provider.set_quirks(sticky_token=True)
    path = _config(
        tmp_path,
        f'test: {{url: "https://api.example.com/api/me"}}\nunique_id: "{unique_id}"\n',
    )
    result = Connection.load(path, fields={"client_id": "app"}).check(
        live=True,
        environ={"OAUTHCC_X_CLIENT_SECRET": "s3cret-value-1"},
        transport=provider.transport(),
    )
    assert len({t.fingerprint for t in provider.tokens}) == 1  # sticky: one token, twice
    assert (result["unique_id"].status, result["unique_id"].reason) == (status, reason)


def test_mock_token_response_members_are_what_the_mock_answers(tmp_path: Path) -> None:
    path = _config(
        tmp_path,
        'test: {url: "https://api.example.com/v1/me"}\nunique_id: "{{ test.client_id }}"\n'
        'mock: {token_response: {expires_in: "3599", api_domain: "https://api.example.com"}}\n',
    )
    result = Connection.load(path).check()
    assert result.passed, [str(s) for s in result.steps]
    assert result["token"].reason == (
        "POST https://auth.example.com/oauth/token (client_secret_basic) -> 200, expires_in 3599s"
    )


def test_nested_token_answers_keep_their_members_and_lifetime(tmp_path: Path) -> None:
    from pytest_oauthcc.connection.config.model import load_config
    from pytest_oauthcc.connection.steps.mock import build_mock

    path = _config(
        tmp_path,
        'test: {url: "https://api.example.com/v1/me"}\n'
        'unique_id: "{{ token.data.account }}"\n'
        "mock: {token_response: {data: {ttl: 900, account: acct-9}}}\n",
        token=f"{{url: {_TOKEN_URL}, "
        "response: {access_token: data.token, expires_in: data.ttl}}",
    )
    result = Connection.load(path).check()
    assert result.passed, [str(s) for s in result.steps]
    assert result["token"].reason == (
        "POST https://auth.example.com/oauth/token (client_secret_basic) -> 200, data.ttl 900s"
    )
    assert result["unique_id"].reason == "'acct-9', the same across two tokens"
    # The mock really issues 900-second tokens, nested as the file says.
    config = load_config(path)
    urls = {
        "token": "https://auth.example.com/oauth/token",
        "test": "https://api.example.com/v1/me",
    }
    mock = build_mock(config, urls, "app", "s3cret-value-1", {})
    import httpx

    with httpx.Client(transport=mock.transport) as http:
        answer = http.post(
            urls["token"], data={"grant_type": "client_credentials"}, auth=("app", "s3cret-value-1")
        ).json()
    assert set(answer) == {"data", "token_type"}
    assert answer["data"]["ttl"] == 900
    assert answer["data"]["account"] == "acct-9"
    assert isinstance(answer["data"]["token"], str)
    assert mock.provider.tokens[-1].expires_at - mock.provider.tokens[-1].issued_at == 900


EXAMPLES = Path(__file__).parents[2] / "examples" / "connections"


@pytest.mark.parametrize(
    ("example", "accepted", "refused"),
    [
        pytest.param(
            "zoho-crm",
            lambda t: {"Authorization": f"Zoho-oauthtoken {t}"},
            lambda t: {"Authorization": f"Bearer {t}"},
            id="prefix-api",
        ),
        pytest.param(
            "inventory-x-auth-token",
            lambda t: {"X-Auth-Token": t},
            lambda t: {"Authorization": f"Bearer {t}"},
            id="custom-header-api",
        ),
    ],
)
def test_the_mock_takes_the_token_only_where_the_config_places_it(
    example: str, accepted: Any, refused: Any
) -> None:
    import httpx

    from pytest_oauthcc.connection.config.model import load_config
    from pytest_oauthcc.connection.config.values import resolve_values
    from pytest_oauthcc.connection.steps.session import open_session

    config = load_config(EXAMPLES / f"{example}.oauthcc.yaml")
    values, _ = resolve_values(config, {}, live=False)
    session = open_session(config, values, live=False, transport=None)
    assert session.mock is not None
    test_url = session.urls["test"]
    with httpx.Client(transport=session.mock.transport) as http:
        token = session.fetch(session.client(), http)
        assert http.get(test_url, headers=accepted(token)).status_code == 200
        assert http.get(test_url, headers=refused(token)).status_code == 401
    assert token not in repr(session.mock.provider.requests)


def test_a_token_in_the_query_warns_and_still_works(tmp_path: Path) -> None:
    path = _config(
        tmp_path,
        "token_placement: {in: query}\n"
        'test: {url: "https://api.example.com/v1/me"}\nunique_id: "{{ test.client_id }}"\n',
    )
    result = Connection.load(path).check()
    assert {s.step: s.status for s in result.steps if s.status not in ("pass", "skip")} == {
        "test": "warn"
    }
    assert result["test"].reason == (
        "token_placement.in: the token in the URL ends up in server and proxy logs "
        "(RFC 6750 §2.3 discourages it); use in: header if the API accepts one"
    )
    assert result["test"].line == 9


def test_requested_scopes_no_declared_call_needs_warn(tmp_path: Path) -> None:
    path = _config(
        tmp_path,
        'test: {url: "https://api.example.com/v1/me", scopes: [read]}\n'
        'unique_id: "{{ test.client_id }}"\n',
        token=f"{{url: {_TOKEN_URL}, scopes: [read, write]}}",
    )
    result = Connection.load(path).check()
    assert {s.step: s.status for s in result.steps if s.status not in ("pass", "skip")} == {
        "token": "warn"
    }
    assert result["token"].reason == (
        "token.scopes[1]: 'write' is requested but no declared call needs it (test.scopes, "
        "calls[].scopes); drop it, or declare the call that needs it"
    )


def test_rfc6750_3_1_the_mock_test_api_requires_exactly_the_declared_scopes(
    tmp_path: Path,
) -> None:
    import httpx

    from pytest_oauthcc.connection.config.model import load_config
    from pytest_oauthcc.connection.steps.mock import build_mock

    path = _config(
        tmp_path,
        'test: {url: "https://api.example.com/v1/me", scopes: [read, write]}\n'
        'unique_id: "{{ test.client_id }}"\n',
        token=f"{{url: {_TOKEN_URL}, scopes: [read, write]}}",
    )
    urls = {
        "token": "https://auth.example.com/oauth/token",
        "test": "https://api.example.com/v1/me",
    }
    mock = build_mock(load_config(path), urls, "app", "s3cret-value-1", {})
    with httpx.Client(transport=mock.transport) as http:

        def call_with(scope: str) -> httpx.Response:
            token = http.post(
                urls["token"],
                data={"grant_type": "client_credentials", "scope": scope},
                auth=("app", "s3cret-value-1"),
            ).json()["access_token"]
            return http.get(urls["test"], headers={"Authorization": f"Bearer {token}"})

        assert call_with("read write").status_code == 200
        narrow = call_with("read")
    # §3.1: "insufficient_scope ... The resource server SHOULD respond with the HTTP 403".
    assert narrow.status_code == 403
    assert 'error="insufficient_scope"' in narrow.headers["www-authenticate"]
    assert 'scope="read write"' in narrow.headers["www-authenticate"]


@pytest.mark.parametrize(
    ("scope", "bad"),
    [
        ("*", True),
        ("read:*", True),
        ("admin", True),
        ("admin:org", True),
        ("ZohoCRM.modules.ALL", True),
        ("full_access", True),
        ("offline_access", True),
        ("read", False),
        ("read:tenant_settings", False),
        ("https://graph.microsoft.com/.default", False),
        ("ZohoCRM.users.READ", False),
        ("orders.read", False),
    ],
)
def test_all_powerful_scopes_are_recognised(scope: str, bad: bool) -> None:
    from pytest_oauthcc.connection.rules.scopes import all_powerful

    assert (all_powerful(scope) is not None) is bad


def test_the_refresh_step_runs_in_mock_mode_when_the_config_declares_one(tmp_path: Path) -> None:
    from pytest_oauthcc.connection.config.model import load_config
    from pytest_oauthcc.connection.steps import run_steps
    from pytest_oauthcc.connection.steps.session import open_session

    path = _config(
        tmp_path,
        'refresh: {url: "https://auth.example.com/oauth/token", grant_type: refresh_token}\n'
        'test: {url: "https://api.example.com/v1/me"}\nunique_id: "{{ test.client_id }}"\n',
    )
    result = Connection.load(path).check()
    # The static rule still warns (RFC 6749 §4.4.3); the step itself ran and passed.
    assert result["refresh"].status == "warn"
    config = load_config(path)
    values = {"client_id": "app", "client_secret": "s3cret-value-1"}
    dynamic = run_steps(config, values, live=False, transport=None)
    assert (dynamic["refresh"].status, dynamic["refresh"].reason) == (
        "pass",
        "POST https://auth.example.com/oauth/token -> a working token",
    )
    session = open_session(config, values, live=False, transport=None)
    assert session.mock is not None
    assert session.mock.provider.client("app").refresh_tokens  # type: ignore[union-attr]


def test_oauthcc_schema_covers_the_new_keys() -> None:
    import json

    import jsonschema
    import yaml

    from pytest_oauthcc.connection.config.schema import schema_json

    schema = json.loads(schema_json())
    props = schema["properties"]
    placement = props["token_placement"]["properties"]
    assert placement["in"]["enum"] == ["header", "query"]
    assert set(placement) == {"in", "name", "prefix"}
    assert props["test"]["properties"]["scopes"]["type"] == "array"
    assert set(props["calls"]["items"]["properties"]) == {"name", "scopes"}
    for example in sorted(EXAMPLES.glob("*.oauthcc.yaml")):
        jsonschema.validate(yaml.safe_load(example.read_text()), schema)
    with pytest.raises(jsonschema.ValidationError, match="does not match"):
        jsonschema.validate({"name": "X Auth"}, props["token_placement"])


def test_a_client_auth_with_other_credentials_is_one_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pytest_oauthcc.connection.config.loading import load_document
    from pytest_oauthcc.connection.config.model import parse
    from pytest_oauthcc.connection.rules import credentials, static_findings

    # What private_key_jwt will add: the private key takes the secret's place.
    key = credentials.Credential("private_key", "Private Key", secret=True)
    rows = {**credentials.CREDENTIALS, "body": (credentials.CREDENTIALS["body"][0], key)}
    monkeypatch.setattr(credentials, "CREDENTIALS", rows)
    path = _config(
        tmp_path,
        'test: {url: "https://api.example.com/v1/me"}\nunique_id: "{{ test.client_id }}"\n',
        token=f"{{url: {_TOKEN_URL}, client_auth: body}}",
    )
    config = parse(load_document(path))
    found = [f.reason for f in static_findings(config, {}) if f.step == "fields"]
    assert found == [
        "fields: no field 'private_key' for token.private_key (default "
        "{{ fields.private_key }}); add {key: private_key, label: Private Key, required: true, "
        "secret: true} to fields"
    ]


def test_the_guard_records_the_token_header_of_the_placement_as_a_fingerprint() -> None:
    import httpx

    from mock_provider.protocol import fingerprint
    from pytest_oauthcc.connection.config.model import PlacementSpec
    from pytest_oauthcc.connection.steps import GuardedTransport

    guard = GuardedTransport(
        httpx.MockTransport(lambda request: httpx.Response(200)),
        ("api.example.com",),
        {},
        placement=PlacementSpec(token_header="X-Session", token_prefix=""),
    )
    with httpx.Client(transport=guard) as http:
        http.get("https://api.example.com/v1/me", headers={"X-Session": "tok-3f9a8b7c6d5e"})
    (entry,) = guard.entries
    assert entry.headers["x-session"] == fingerprint("tok-3f9a8b7c6d5e")
    assert "tok-3f9a8b7c6d5e" not in repr(guard.entries) + "".join(guard.transcript())
