"""The socket fixtures: oauth_server (reset per test) and oauth_server_pool (once per session)."""

from __future__ import annotations

import pytest


def test_oauth_server_serves_non_httpx_clients_on_loopback(pytester: pytest.Pytester):
    pytester.makepyfile(
        """
        import json
        import urllib.request
        import requests

        def test_requests(oauth_server):
            assert oauth_server.url.startswith("http://127.0.0.1:")
            response = requests.post(
                oauth_server.token_url,
                data={"grant_type": "client_credentials"},
                auth=("demo-client", "demo-secret"),
                timeout=10,
            )
            assert response.status_code == 200
            assert response.json()["token_type"] == "Bearer"
            assert [r.client_id for r in oauth_server.token_requests] == ["demo-client"]

        def test_urllib(oauth_server):
            with urllib.request.urlopen(oauth_server.metadata_url, timeout=10) as response:
                assert json.load(response)["issuer"] == oauth_server.url
        """
    )
    pytester.runpytest().assert_outcomes(passed=2)


def test_oauth_server_starts_once_per_session_and_resets_for_every_test(
    pytester: pytest.Pytester,
):
    pytester.makepyfile(
        """
        import requests

        URLS = []

        def token(server, client_id, secret):
            return requests.post(server.token_url, data={"grant_type": "client_credentials"},
                                 auth=(client_id, secret), timeout=10)

        def test_first(oauth_server):
            URLS.append(oauth_server.url)
            oauth_server.add_client("extra", "extra-secret")
            oauth_server.clock.advance(1000)
            assert token(oauth_server, "extra", "extra-secret").status_code == 200

        def test_second(oauth_server):
            URLS.append(oauth_server.url)
            assert URLS[0] == URLS[1]
            assert oauth_server.requests == []
            assert oauth_server.tokens == []
            assert token(oauth_server, "extra", "extra-secret").status_code == 401
            assert sorted(oauth_server.clients) == ["demo-client"]

        def test_between_tests_the_server_answers_503(oauth_server_pool):
            response = requests.get(oauth_server_pool.url(tls=False) + "/oauth/token", timeout=10)
            assert response.status_code == 503
            assert response.json()["error"] == "temporarily_unavailable"
        """
    )
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=3)


def test_oauth_server_with_tls_gives_a_ca_bundle(pytester: pytest.Pytester):
    pytester.makepyfile(
        """
        import pytest
        import requests

        @pytest.mark.oauth_provider(tls=True)
        def test_https(oauth_server):
            assert oauth_server.url.startswith("https://127.0.0.1:")
            response = requests.post(
                oauth_server.token_url,
                data={"grant_type": "client_credentials"},
                auth=("demo-client", "demo-secret"),
                verify=oauth_server.ca_path,
                timeout=10,
            )
            assert response.status_code == 200

        def test_plain_http_has_no_ca(oauth_server):
            assert oauth_server.ca_path is None
            assert oauth_server.url.startswith("http://")
        """
    )
    pytester.runpytest().assert_outcomes(passed=2)


def test_oauth_server_refuses_an_issuer_option(pytester: pytest.Pytester):
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.oauth_provider(issuer="https://login.example.test")
        def test_issuer(oauth_server):
            pass
        """
    )
    result = pytester.runpytest("--tb=short")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "E   ValueError: oauth_server's issuer is its own URL; remove "
            "issuer='https://login.example.test' from @pytest.mark.oauth_provider() or use the "
            "in-process oauth_provider fixture",
        ]
    )


def test_each_xdist_worker_has_its_own_server(pytester: pytest.Pytester):
    out = pytester.mkdir("urls")
    pytester.makepyfile(
        f"""
        import os
        import pathlib
        import pytest
        import requests

        @pytest.mark.parametrize("n", range(6))
        def test_token(oauth_server, n):
            worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
            out = pathlib.Path({str(out)!r}) / f"{{worker}}-{{n}}.url"
            out.write_text(oauth_server.url)
            response = requests.post(oauth_server.token_url,
                                     data=dict(grant_type="client_credentials"),
                                     auth=("demo-client", "demo-secret"), timeout=10)
            assert response.status_code == 200
            assert len(oauth_server.requests) == 1
        """
    )
    result = pytester.runpytest_subprocess("-p", "xdist", "-n", "2")
    result.assert_outcomes(passed=6)
    urls = {}
    for path in out.glob("*.url"):
        urls.setdefault(path.name.split("-")[0], set()).add(path.read_text())
    assert sorted(urls) == ["gw0", "gw1"]
    assert all(len(seen) == 1 for seen in urls.values())
    assert urls["gw0"] != urls["gw1"]


def test_a_delayed_request_is_released_by_its_own_provider_after_the_switch():
    # The session server moves on to the next test's provider while a request of the
    # previous test still waits on a scripted delay; clearing that test's faults must
    # release it (and the answer comes from the provider it started with).
    import threading

    import httpx

    from mock_provider import MockProvider
    from pytest_oauthcc.plugin.servers import ServerPool

    with ServerPool() as pool:
        first = MockProvider(issuer=pool.url(tls=False))
        first.add_client("app", "secret")
        hang = first.add_fault("token", delay=30)
        pool.install(first, tls=False)
        statuses: list[int] = []

        def request() -> None:
            with httpx.Client(timeout=20) as http:
                answer = http.post(
                    first.token_url,
                    data={"grant_type": "client_credentials"},
                    auth=("app", "secret"),
                )
                statuses.append(answer.status_code)

        thread = threading.Thread(target=request)
        thread.start()
        for _ in range(1000):  # bounded wait until the request is inside its delay
            if hang.fired:
                break
            threading.Event().wait(0.005)
        assert hang.fired == 1
        pool.uninstall(tls=False)
        pool.install(MockProvider(issuer=pool.url(tls=False)), tls=False)
        first.clear_faults()
        thread.join(10)
        assert not thread.is_alive()
    assert statuses == [200]
    assert len(first.tokens) == 1
