"""@pytest.mark.oauthcc(config, fields=None, live=False) and the oauthcc_connection fixture;
--oauthcc-live and --oauthcc-env-file."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

SERVICEX = Path(__file__).parents[2] / "examples" / "connections" / "servicex.oauthcc.yaml"


def test_the_marker_binds_a_test_to_a_connection_file(pytester: pytest.Pytester):
    pytester.mkdir("connections")
    (pytester.path / "connections" / "servicex.oauthcc.yaml").write_text(SERVICEX.read_text())
    pytester.makepyfile(
        test_bound="""
        import pytest

        @pytest.mark.oauthcc("connections/servicex.oauthcc.yaml")
        def test_mock(oauthcc_connection):
            assert oauthcc_connection.name == "ServiceX"
            assert oauthcc_connection.live is False
            result = oauthcc_connection.check()
            assert result.passed
            assert result["token"].status == "pass"

        @pytest.mark.oauthcc(
            "connections/servicex.oauthcc.yaml", fields={"environment": "sandbox"}
        )
        def test_fields(oauthcc_connection):
            result = oauthcc_connection.check()
            assert "sandbox" in result["token"].reason

        @pytest.mark.oauthcc("connections/servicex.oauthcc.yaml", live=True)
        def test_live_is_bound_not_run(oauthcc_connection):
            assert oauthcc_connection.live is True
        """
    )
    pytester.runpytest("test_bound.py").assert_outcomes(passed=3)


def test_the_command_line_options_reach_the_fixture(pytester: pytest.Pytester):
    (pytester.path / "servicex.oauthcc.yaml").write_text(SERVICEX.read_text())
    pytester.makepyfile(
        test_bound="""
        import pytest

        @pytest.mark.oauthcc("servicex.oauthcc.yaml")
        def test_options(oauthcc_connection):
            assert oauthcc_connection.live is True
            assert oauthcc_connection.env_file == "ci.env"
        """
    )
    result = pytester.runpytest("test_bound.py", "--oauthcc-live", "--oauthcc-env-file=ci.env")
    result.assert_outcomes(passed=1)


def test_misusing_the_marker_fails_with_the_reason(pytester: pytest.Pytester):
    (pytester.path / "servicex.oauthcc.yaml").write_text(SERVICEX.read_text())
    pytester.makepyfile(
        test_bound="""
        import pytest

        def test_no_marker(oauthcc_connection):
            pass

        @pytest.mark.oauthcc("servicex.oauthcc.yaml", feilds={})
        def test_typo(oauthcc_connection):
            pass

        @pytest.mark.oauthcc("servicex.oauthcc.yaml", fields={"colour": "blue"})
        def test_unknown_field(oauthcc_connection):
            pass
        """
    )
    result = pytester.runpytest("test_bound.py", "--tb=short")
    result.assert_outcomes(errors=3)
    result.stdout.fnmatch_lines(
        [
            "oauthcc_connection needs a connection file: mark the test with "
            "@pytest.mark.oauthcc('path/to/app.oauthcc.yaml')",
            "E   TypeError: oauthcc() got an unexpected keyword argument 'feilds'"
            # Python 3.13 suggests the close name in its own TypeError.
            + (". Did you mean 'fields'?" if sys.version_info >= (3, 13) else ""),
            "E   pytest_oauthcc.connection.errors.ConfigError: *servicex.oauthcc.yaml: invalid "
            "connection config (1 problem):",
            "E     *servicex.oauthcc.yaml:5:1: fields: no field 'colour' to set (fields: "
            "client_id, client_secret, environment)",
        ]
    )


@pytest.mark.oauth_provider(scopes=["read"])
def test_live_mode_checks_the_real_provider_with_env_file_values(
    pytester: pytest.Pytester, oauth_server
):
    config = f"""\
version: 1
name: Loopback
fields:
  - {{key: client_id, label: Client ID, required: true}}
  - {{key: client_secret, label: Client Secret, secret: true, required: true}}
token:
  url: "{oauth_server.token_url}"
  client_auth: basic
  scopes: [read]
revoke: {{url: "{oauth_server.revocation_url}"}}
test:
  method: GET
  url: "{oauth_server.me_url}"
  expect: {{status: [200], body_has: [client_id]}}
label: "Loopback {{{{ test.client_id }}}}"
allowed_domains: [127.0.0.1]
unique_id: "{{{{ test.client_id }}}}"
"""
    (pytester.path / "loopback.oauthcc.yaml").write_text(config)
    (pytester.path / "ci.env").write_text(
        "OAUTHCC_LOOPBACK_CLIENT_ID=demo-client\nOAUTHCC_LOOPBACK_CLIENT_SECRET=demo-secret\n"
    )
    result = pytester.runpytest("-v", "--oauthcc-live", "--oauthcc-env-file=ci.env")
    result.assert_outcomes(passed=7, skipped=2)
    result.stdout.fnmatch_lines(["loopback.oauthcc.yaml::token PASSED*"])
    assert "demo-secret" not in result.stdout.str()
    assert {r.client_id for r in oauth_server.token_requests} == {"demo-client"}
    assert next(r.status for r in oauth_server.requests if r.endpoint == "me") == 200
