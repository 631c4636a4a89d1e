"""Between two tests that both route a provider, the plugin keeps the stacks' hooks installed
(passing everything through in between); every other test sees each stack's own code, and
the user's mocks work beside the provider whichever test ran before."""

from __future__ import annotations

import pytest

ENTRY_POINTS = """
import httpx
import requests


def entry_points():
    return (httpx.HTTPTransport.handle_request, requests.Session.get_adapter)


ORIGINAL = entry_points()
"""

UNCONFIGURE = """
from pathlib import Path

from entry import ORIGINAL, entry_points


def worker(config):
    return getattr(config, "workerinput", {}).get("workerid", "main")


def pytest_unconfigure(config):
    Path("restored.txt").write_text(str(entry_points() == ORIGINAL))
"""

SUITE = """
import httpx
import pytest
import requests

from entry import ORIGINAL, entry_points
from mock_provider.transport import routing

FORM = {"grant_type": "client_credentials"}
BASIC = ("demo-client", "demo-secret")


@pytest.fixture
def hooked_at_set_up():
    return routing.hooked_stacks()


def _token(provider):
    return httpx.post(provider.token_url, data=FORM, auth=BASIC).status_code


def test_1_routes(oauth_provider):
    assert _token(oauth_provider) == 200


def test_2_finds_the_hooks_kept(hooked_at_set_up, oauth_provider):
    assert "httpx" in hooked_at_set_up
    assert requests.post(oauth_provider.token_url, data=FORM, auth=BASIC).status_code == 200


def test_3_pytest_httpx_set_up_before_the_provider(httpx_mock, oauth_provider):
    # httpx_mock patched over the kept hook: the provider is hooked above it again.
    httpx_mock.add_response(url="https://api.other.test/x", json={"mocked": True})
    assert _token(oauth_provider) == 200
    assert httpx.get("https://api.other.test/x").json() == {"mocked": True}


def test_4_pytest_httpx_after_a_provider_test(httpx_mock):
    httpx_mock.add_response(url="https://api.other.test/y", json={"alone": True})
    assert httpx.get("https://api.other.test/y").json() == {"alone": True}
    assert entry_points() != ORIGINAL  # pytest-httpx's own patch, not ours
    assert routing.hooked_stacks() == ()


@pytest.mark.parametrize("n", range(2))
def test_5_routes_again(oauth_provider, n):
    assert _token(oauth_provider) == 200


@pytest.mark.skip(reason="routes nothing: skipped before its set-up")
def test_6_skipped(oauth_provider):
    pass


def test_7_routes_nothing():
    assert entry_points() == ORIGINAL
    assert routing.hooked_stacks() == ()


def test_8_make_oauth_provider_routes_too(hooked_at_set_up, make_oauth_provider):
    assert _token(make_oauth_provider()) == 200


def test_9_the_factory_keeps_them_for_a_provider(hooked_at_set_up, oauth_provider):
    assert "httpx" in hooked_at_set_up
    assert _token(oauth_provider) == 200
"""


def test_hooks_are_kept_only_between_tests_that_route(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(entry=ENTRY_POINTS, test_suite=SUITE)
    pytester.makeconftest(UNCONFIGURE)
    result = pytester.runpytest_subprocess("-p", "no:xdist", "-v")
    result.assert_outcomes(passed=9, skipped=1)
    assert (pytester.path / "restored.txt").read_text() == "True"


def test_under_xdist_each_worker_keeps_its_own(pytester: pytest.Pytester) -> None:
    # Which test comes before which on a worker is xdist's choice: the hooks found at set-up
    # are not asserted; the rest is.
    suite = SUITE.replace('    assert "httpx" in hooked_at_set_up\n', "")
    pytester.makepyfile(entry=ENTRY_POINTS, test_suite=suite)
    pytester.makeconftest(UNCONFIGURE.replace('"restored.txt"', 'f"restored-{worker(config)}.txt"'))
    result = pytester.runpytest_subprocess("-p", "xdist", "-n", "2")
    result.assert_outcomes(passed=9, skipped=1)
    restored = {p.name: p.read_text() for p in pytester.path.glob("restored-*.txt")}
    assert restored == {f"restored-{name}.txt": "True" for name in ("gw0", "gw1", "main")}


def test_a_session_stopped_early_undoes_hooks_kept_for_a_test_that_never_ran(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        entry=ENTRY_POINTS,
        test_stop="""
        def test_fails(oauth_provider):
            assert False, "stop here"

        def test_never_runs(oauth_provider):
            pass
        """,
    )
    pytester.makeconftest(UNCONFIGURE)
    result = pytester.runpytest_subprocess("-p", "no:xdist", "-x")
    result.assert_outcomes(failed=1)
    assert (pytester.path / "restored.txt").read_text() == "True"


def test_a_test_that_fails_in_set_up_does_not_keep_them_past_itself(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        entry=ENTRY_POINTS,
        test_setup="""
        import pytest

        from entry import ORIGINAL, entry_points

        @pytest.fixture
        def broken():
            raise RuntimeError("set-up fails before the provider")

        def test_routes(oauth_provider):
            pass

        def test_fails_first(broken, oauth_provider):
            pass

        def test_routes_nothing():
            assert entry_points() == ORIGINAL
        """,
    )
    result = pytester.runpytest_subprocess("-p", "no:xdist")
    result.assert_outcomes(passed=2, errors=1)
