"""Each broken fixture of issue 15 fails its step with a message naming the line and the fix."""

from __future__ import annotations

from pathlib import Path

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
    ],
)
def test_the_broken_fixture_names_line_and_fix(name: str, line: int, reason: str) -> None:
    path = BROKEN / f"{name}.oauthcc.yaml"
    step = name.split("--")[0]
    result = Connection.load(path).check()
    assert result.path == str(path)
    assert (result[step].status, result[step].line, result[step].reason) == ("fail", line, reason)
