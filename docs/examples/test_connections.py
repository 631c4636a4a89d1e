"""Teams validating connector configs in CI: the connection files are the tests.

`pytest connections/` collects each `*.oauthcc.yaml` as one test per step, with no Python.
A module like this one adds the team's own checks, bound to a file by the `oauthcc` marker.
"""

import pytest

TOKEN_HOSTS = {"sandbox": "sandbox.auth.servicex.com", "production": "auth.servicex.com"}


@pytest.mark.parametrize(
    "environment",
    [
        pytest.param(
            environment,
            marks=pytest.mark.oauthcc(
                "connections/servicex.oauthcc.yaml", fields={"environment": environment}
            ),
        )
        for environment in TOKEN_HOSTS
    ],
)
def test_each_environment_gets_its_token_from_its_own_host(oauthcc_connection, environment):
    result = oauthcc_connection.check()

    assert result.passed
    assert f"POST https://{TOKEN_HOSTS[environment]}/oauth/token" in result["token"].reason
