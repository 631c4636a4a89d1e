"""Scenario files: every shipped one loads and behaves; broken ones name file, line and key."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from mock_provider import ManualClock, MockProvider
from mock_provider.scenario import ScenarioError, load_scenario

from .conftest import NOW

SCENARIOS = Path(__file__).resolve().parents[2] / "mock_provider" / "scenarios"
SHIPPED = sorted(p for p in SCENARIOS.iterdir() if p.suffix in {".yaml", ".yml", ".json"})
TOKEN = {"grant_type": "client_credentials"}
DEMO = ("demo-client", "demo-secret")


def _client(provider: MockProvider) -> httpx.Client:
    return httpx.Client(transport=provider.transport(), base_url=provider.url)


def test_the_shipped_scenarios_are_all_here() -> None:
    assert {p.name for p in SHIPPED} >= {
        "flaky-token-endpoint.yaml",
        "throttled.json",
        "slow.yaml",
        "early-dying-tokens.yaml",
        "dropped-connections.yaml",
        "quirky-string-lifetimes.yaml",
        "quirky-form-encoded.yaml",
        "quirky-nested.yaml",
        "quirky-strict-parser.yaml",
    }


@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_shipped_scenario_loads_and_builds(path: Path) -> None:
    scenario = load_scenario(path)
    assert scenario.description
    provider = scenario.build(clock=ManualClock(NOW))
    assert "demo-client" in provider.clients
    provider.clear_faults()  # slow/dropped scenarios would otherwise wait for real
    with _client(provider) as http:
        assert http.post("/oauth/token", auth=DEMO, data=TOKEN).status_code == 200


def test_flaky_token_endpoint_scenario() -> None:
    provider = load_scenario(SCENARIOS / "flaky-token-endpoint.yaml").build(clock=ManualClock(NOW))
    with _client(provider) as http:
        answers = [http.post("/oauth/token", auth=DEMO, data=TOKEN) for _ in range(3)]
        assert [r.status_code for r in answers] == [503, 503, 200]
        assert answers[0].headers["retry-after"] == "1"
        bearer = {"Authorization": f"Bearer {answers[2].json()['access_token']}"}
        statuses = [http.get("/api/me", headers=bearer).status_code for _ in range(10)]
    assert statuses == [200, 200, 200, 200, 401] * 2


def test_throttled_json_scenario() -> None:
    provider = load_scenario(SCENARIOS / "throttled.json").build(clock=ManualClock(NOW))
    with _client(provider) as http:
        answers = [http.post("/oauth/token", auth=DEMO, data=TOKEN) for _ in range(4)]
    assert [r.status_code for r in answers] == [429, 429, 429, 200]
    assert answers[0].headers["x-ratelimit-remaining"] == "0"


def test_early_dying_tokens_scenario() -> None:
    clock = ManualClock(NOW)
    provider = load_scenario(SCENARIOS / "early-dying-tokens.yaml").build(clock=clock)
    with _client(provider) as http:
        body = http.post("/oauth/token", auth=DEMO, data=TOKEN).json()
        assert body["expires_in"] == 3600
        clock.advance(60)
        me = http.get("/api/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 401


def test_strict_parser_scenario_has_per_client_quirks() -> None:
    provider = load_scenario(SCENARIOS / "quirky-strict-parser.yaml").build(clock=ManualClock(NOW))
    with _client(provider) as http:
        legacy = http.post("/oauth/token", auth=("legacy-app", "legacy-secret"), data=TOKEN)
    assert legacy.headers["content-type"] == "application/json;charset=UTF-8"
    assert legacy.json()["expires_in"] == 3_600_000


BROKEN = [
    pytest.param(
        "broken.yaml",
        "clients:\n  - client_id: app\n    client_secret: s3cr3t-value\n    scope: [read]\n"
        "quirks:\n  expires_in_as: hex\nfaults:\n  - endpoint: token\n    status: '503'\n"
        "  - endpoint: tokn\n  - endpoint: me\n    every: 0\ncolour: blue\n",
        [
            "{f}:4: key 'clients[0].scope': unknown client field; valid fields: client_id, "
            "client_secret, scopes, default_scopes, auth_methods, grant_types, expires_in, "
            "audiences, me, refresh_tokens, rotate_refresh_tokens, refresh_token_expires_in, "
            "jwks, jwks_uri",
            "{f}:6: key 'quirks.expires_in_as': expires_in_as must be one of string, float, "
            "zero, missing, got 'hex'",
            "{f}:9: key 'faults[0].status': expected integer but got str '503'",
            "{f}:10: key 'faults[1].endpoint': expected one of token, revoke, introspect, me, "
            "metadata, jwks, openid_configuration, resource_metadata, authorize",
            "{f}:12: key 'faults[2].every': every must be a whole number >= 1 or None, got 0",
            "{f}:13: key 'colour': unknown scenario field; valid fields: description, "
            "provider, clients, quirks, client_quirks, faults",
        ],
        id="every-error-at-once",
    ),
    pytest.param(
        "missing.yaml",
        "clients:\n  - client_id: app\nfaults:\n  - times: 2\n",
        [
            "{f}:2: key 'clients[0].client_secret': required client field is missing",
            "{f}:4: key 'faults[0].endpoint': required fault field is missing",
        ],
        id="missing-required",
    ),
    pytest.param(
        "syntax.yaml",
        "clients:\n  - client_id: app\n   client_secret: x\n",
        ["{f}:3: not valid YAML: expected <block end>, but found '<block mapping start>'"],
        id="yaml-syntax",
    ),
    pytest.param(
        "syntax.json",
        '{\n  "clients": [\n    {"client_id": "app",}\n  ]\n}\n',
        ["{f}:3: not valid JSON: ..."],
        id="json-syntax",
    ),
    pytest.param(
        "types.json",
        '{\n  "provider": {"token_format": "paseto"},\n  "faults": {"endpoint": "token"}\n}\n',
        [
            "{f}:2: key 'provider.token_format': expected opaque or jwt",
            "{f}:3: key 'faults': expected array but got dict {{'endpoint': 'token'}}",
        ],
        id="json-types",
    ),
    pytest.param(
        "huge.yaml",
        "faults:\n  - endpoint: token\n    delay: 1" + "0" * 400 + "\n",
        [
            "{f}:3: key 'faults[0].delay': is out of range: JSON integers interoperate "
            "within +-(2**53 - 1) (RFC 7493 §2.2)",
        ],
        id="integer-beyond-a-double",
    ),
    pytest.param(
        "list.yaml",
        "- endpoint: token\n",
        [
            "{f}:1: key '': a scenario must be an object (a mapping of field names to values)",
        ],
        id="not-a-mapping",
    ),
]


@pytest.mark.parametrize(("name", "text", "expected"), BROKEN)
def test_broken_scenario_names_file_line_and_key(
    tmp_path: Path, name: str, text: str, expected: list[str]
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    problems = caught.value.problems
    wanted = [line.format(f=path) for line in expected]
    # The JSON parser's wording varies across Python versions: "..." pins the prefix only.
    assert len(problems) == len(wanted)
    shown = [
        p[: len(w) - 3] + "..." if w.endswith("...") else p
        for p, w in zip(problems, wanted, strict=True)
    ]
    assert shown == wanted
    assert "s3cr3t-value" not in str(caught.value)
