"""The provider fixtures find their test without asking for ``request``."""

from __future__ import annotations

import inspect

import pytest

from pytest_oauthcc.plugin import fixtures
from pytest_oauthcc.plugin.keys import RUNNING


@pytest.mark.parametrize("name", ["oauth_provider", "oauth_server", "make_oauth_provider"])
def test_the_provider_fixtures_do_not_ask_for_request(name: str):
    # pytest builds a fixture definition (inspecting a signature) for every fixture that asks
    # for ``request``; the provider fixtures read the running item instead.
    wrapped = getattr(fixtures, name)
    function = getattr(wrapped, "_get_wrapped_function", lambda: wrapped)()
    assert "request" not in inspect.signature(function).parameters


def test_a_fixture_requested_during_the_call_reads_its_own_tests_marker(
    pytester: pytest.Pytester,
):
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.oauth_provider(expires_in=60)
        def test_marked(request):
            assert request.getfixturevalue("oauth_provider").expires_in == 60

        def test_unmarked(request):
            assert request.getfixturevalue("oauth_provider").expires_in == 3600

        @pytest.mark.oauth_provider(expires_in=90)
        def test_server_marked(request):
            assert request.getfixturevalue("oauth_server").expires_in == 90
        """
    )
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=3)


@pytest.mark.oauth_provider(expires_in=120)
def test_the_running_item_is_restored_after_a_nested_run(
    pytester: pytest.Pytester, request: pytest.FixtureRequest
):
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.oauth_provider(expires_in=30)
        def test_inner(oauth_provider):
            assert oauth_provider.expires_in == 30
        """
    )
    assert RUNNING.item is request.node
    pytester.runpytest_inprocess().assert_outcomes(passed=1)
    assert RUNNING.item is request.node
    assert request.getfixturevalue("oauth_provider").expires_in == 120


def test_no_item_is_running_outside_a_run_protocol(pytester: pytest.Pytester):
    # In a process of its own: an inline run happens inside this test's run protocol.
    pytester.makeconftest(
        """
        from pytest_oauthcc.plugin.keys import RUNNING

        def pytest_collection_finish(session):
            assert RUNNING.item is None

        def pytest_sessionfinish(session):
            assert RUNNING.item is None
        """
    )
    pytester.makepyfile(
        """
        from pytest_oauthcc.plugin.keys import RUNNING

        def test_running(request):
            assert RUNNING.item is request.node
        """
    )
    pytester.runpytest_subprocess().assert_outcomes(passed=1)
