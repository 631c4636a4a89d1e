"""Provider-side problems fail the test that caused them, each check switchable per test."""

from __future__ import annotations

import pytest

SERVED = [
    "Served:",
    "  /oauth/token [[]token[]]",
    "  /oauth/revoke [[]revoke[]]",
    "  /oauth/introspect [[]introspect[]]",
    "  /jwks.json [[]jwks[]]",
    "  /oauth/authorize [[]authorize[]]",
    "  /api/me [[]me[]]",
    "  /.well-known/oauth-authorization-server [[]metadata[]]",
    "  /.well-known/openid-configuration [[]openid_configuration[]]",
    "  /.well-known/oauth-protected-resource/api/me [[]resource_metadata[]]",
]

PROBLEMS = """
import httpx
import pytest

def boom(token, client):
    raise RuntimeError("the resource body failed")

def unfired(provider):
    provider.add_fault("token", status=503)
    provider.add_fault("me", error="invalid_token", times=2)

def unmatched(provider):
    httpx.post(provider.url + "/oauth/tokens", data={"client_secret": "demo-secret"})

def provider_error(provider):
    provider.add_resource("boom", "/api/boom", body=boom)
    token = provider.issue_token("demo-client")
    response = httpx.get(provider.resource_url("boom"),
                         headers={"Authorization": f"Bearer {token.value}"})
    assert response.status_code == 500
"""


def test_a_queued_fault_that_never_fired_fails_the_test(pytester: pytest.Pytester):
    pytester.makepyfile(
        problems=PROBLEMS,
        test_it="""
        from problems import unfired

        def test_unfired(oauth_provider):
            unfired(oauth_provider)
        """,
    )
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*_ test_unfired _*",
            "oauth_provider at https://mock-oauth.test: 2 queued faults never fired:",
            "  token fault #* (times=1, status=503) fired 0 time(s)",
            "  me fault #* (times=2, error='invalid_token') fired 0 time(s)",
            "Make the request the fault waits for, remove the fault, or pass "
            "@pytest.mark.oauth_provider(assert_all_faults_fired=False).",
            "*short test summary info*",
            "FAILED test_it.py::test_unfired - Failed: oauth_provider at https://mock-oaut*",
        ]
    )


def test_a_request_that_matched_no_endpoint_fails_the_test(pytester: pytest.Pytester):
    pytester.makepyfile(
        problems=PROBLEMS,
        test_it="""
        from problems import unmatched

        def test_unmatched(oauth_provider):
            unmatched(oauth_provider)
        """,
    )
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*_ test_unmatched _*",
            "oauth_provider at https://mock-oauth.test: 1 request matched no endpoint:",
            "  POST /oauth/tokens -> 404 [[]None[]]",
            *SERVED,
            "Fix the URL, or pass @pytest.mark.oauth_provider(assert_all_requests_matched=False).",
        ]
    )
    assert "demo-secret" not in result.stdout.str()


def test_an_exception_inside_the_provider_fails_the_test(pytester: pytest.Pytester):
    pytester.makepyfile(
        problems=PROBLEMS,
        test_it="""
        from problems import provider_error

        def test_provider_error(oauth_provider):
            provider_error(oauth_provider)
        """,
    )
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*_ test_provider_error _*",
            "oauth_provider at https://mock-oauth.test: 1 request failed inside the provider "
            "(500 server_error):",
            "  GET /api/boom -> 500 [[]boom[]] client_id=demo-client error=server_error",
            "The traceback is in the 'mock_provider' log (shown under 'Captured log'). This is a "
            "mock provider bug; to let the test pass anyway, pass "
            "@pytest.mark.oauth_provider(assert_no_provider_errors=False).",
            "*Captured log call*",
            "ERROR    mock_provider:app.py:* mock provider failed on GET boom",
            "RuntimeError: the resource body failed",
        ]
    )


def test_a_scripted_server_error_is_not_a_provider_error(pytester: pytest.Pytester):
    pytester.makepyfile(
        """
        import httpx
        import pytest

        @pytest.mark.oauth_provider(
            faults=[{"endpoint": "token", "status": 500, "error": "server_error"}]
        )
        def test_scripted(oauth_provider):
            response = httpx.post(oauth_provider.token_url,
                                  data={"grant_type": "client_credentials"},
                                  auth=("demo-client", "demo-secret"))
            assert response.json()["error"] == "server_error"
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)


SWITCHES = [
    ("assert_all_faults_fired", "unfired"),
    ("assert_all_requests_matched", "unmatched"),
    ("assert_no_provider_errors", "provider_error"),
]


def test_each_check_can_be_switched_off_per_test(pytester: pytest.Pytester):
    cases = "".join(
        f"""
@pytest.mark.oauth_provider({switch}=False)
def test_off_{problem}(oauth_provider):
    {problem}(oauth_provider)

def test_on_{problem}(oauth_provider):
    {problem}(oauth_provider)
"""
        for switch, problem in SWITCHES
    )
    pytester.makepyfile(
        problems=PROBLEMS,
        test_it="import pytest\nfrom problems import unfired, unmatched, provider_error\n" + cases,
    )
    result = pytester.runpytest("-p", "no:logging", "-rf")
    result.assert_outcomes(passed=3, failed=3)
    result.stdout.fnmatch_lines(
        [
            f"FAILED test_it.py::test_on_{problem} - Failed: oauth_provider at *"
            for _, problem in SWITCHES
        ]
    )


def test_every_provider_of_a_test_is_checked(pytester: pytest.Pytester):
    pytester.makepyfile(
        problems=PROBLEMS,
        test_it="""
        import requests
        from problems import unfired, unmatched

        def test_all(oauth_server, make_oauth_provider):
            unfired(oauth_server)
            oauth_server.add_fault("me", status=502)
            requests.get(oauth_server.me_url, timeout=10)
            other = make_oauth_provider()
            unmatched(other)
        """,
    )
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "oauth_provider at http://127.0.0.1:*: 2 queued faults never fired:",
            "  token fault #* (times=1, status=503) fired 0 time(s)",
            "  me fault #* (times=1, status=502) fired 0 time(s)",
            "Make the request the fault waits for, *",
            "",
            "oauth_provider at https://mock-oauth-2.test: 1 request matched no endpoint:",
            "  POST /oauth/tokens -> 404 [[]None[]]",
        ]
    )


def test_a_failing_test_shows_the_problems_next_to_its_own_failure(pytester: pytest.Pytester):
    pytester.makepyfile(
        problems=PROBLEMS,
        test_it="""
        from problems import unmatched

        def test_fails(oauth_provider):
            unmatched(oauth_provider)
            assert 1 == 2, "the test's own failure"
        """,
    )
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "E       AssertionError: the test's own failure",
            "*- Captured oauthcc provider call -*",
            "oauth_provider at https://mock-oauth.test: 1 request matched no endpoint:",
            "  POST /oauth/tokens -> 404 [[]None[]]",
            "*short test summary info*",
            "FAILED test_it.py::test_fails - AssertionError: the test's own failure",
        ]
    )


def test_check_reports_problems_during_the_test(pytester: pytest.Pytester):
    pytester.makepyfile(
        problems=PROBLEMS,
        test_it="""
        import pytest
        from pytest_oauthcc.plugin.checked import ProviderCheckError
        from pytest_oauthcc.errors import OAuthccError
        from problems import unfired, unmatched

        def test_explicit(oauth_provider):
            oauth_provider.check()
            unmatched(oauth_provider)
            oauth_provider.check(unmatched=False)
            with pytest.raises(ProviderCheckError) as excinfo:
                oauth_provider.check()
            assert isinstance(excinfo.value, (AssertionError, OAuthccError))
            assert str(excinfo.value).splitlines()[:2] == [
                "oauth_provider at https://mock-oauth.test: 1 request matched no endpoint:",
                "  POST /oauth/tokens -> 404 [None]",
            ]
            oauth_provider.clear_requests()
            oauth_provider.check()

        def test_check_fails_the_test(oauth_provider):
            unfired(oauth_provider)
            oauth_provider.check(faults=True)
        """,
    )
    result = pytester.runpytest("--tb=short")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*_ test_check_fails_the_test _*",
            "test_it.py:*: in test_check_fails_the_test",
            "    oauth_provider.check(faults=True)",
            "E   pytest_oauthcc.plugin.checked.ProviderCheckError: oauth_provider at "
            "https://mock-oauth.test: 2 queued faults never fired:",
            "E     token fault #* (times=1, status=503) fired 0 time(s)",
        ]
    )
