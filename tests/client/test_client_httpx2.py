"""ClientCredentials on httpx2: the same object is an ``httpx2.Auth`` when httpx2 is installed.

The behaviours (caching, single flight, retries, 401 recovery) run on both stacks through the
``world`` / ``local`` fixtures of every client test; these tests pin how the object is made.
"""

from __future__ import annotations

import subprocess
import sys

import httpx
import httpx2
import pytest

from pytest_oauthcc import ClientCredentials

from .conftest import World


def test_one_object_is_an_auth_of_both_stacks(local: World) -> None:
    auth = local.make()
    assert isinstance(auth, ClientCredentials)
    assert isinstance(auth, httpx.Auth)
    assert isinstance(auth, httpx2.Auth)
    assert type(auth).__name__ == "ClientCredentials"
    assert repr(auth).startswith("ClientCredentials(token_url=")


def test_httpx2_clients_accept_it_as_auth(local: World) -> None:
    auth = local.make()
    with httpx2.Client(auth=auth, transport=local.transport()) as http:
        assert http.auth is auth
    assert httpx2.AsyncClient(auth=auth).auth is auth


def test_both_stacks_share_one_token(local: World) -> None:
    auth = local.make()
    with httpx.Client(auth=auth, transport=local.provider.transport()) as http:
        assert http.get(local.provider.me_url).status_code == 200
    with httpx2.Client(
        auth=auth, transport=World(local.provider, "sync", "httpx2").transport()
    ) as h2:
        assert h2.get(local.provider.me_url).status_code == 200
    assert len(local.provider.token_requests) == 1
    assert auth.stats.cache_hits == 1


def test_the_token_request_is_built_on_the_callers_stack(local: World) -> None:
    seen: list[str] = []
    inner = local.transport()

    class Recording(local.http.BaseTransport):  # type: ignore[name-defined,misc]
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            seen.append(type(request).__module__.partition(".")[0])
            return inner.handle_request(request)  # type: ignore[no-any-return]

    auth = local.make()
    with local.http.Client(auth=auth, transport=Recording()) as http:
        assert http.get(local.provider.me_url).status_code == 200
    expected = "httpx2" if local.http is httpx2 else "httpx"
    assert seen == [expected, expected]  # the token request, then the API request


def _fresh_process(code: str) -> str:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return out.stdout.strip()


def test_without_httpx2_it_is_a_plain_httpx_auth_and_imports_nothing_more() -> None:
    code = (
        "import sys; sys.modules['httpx2'] = None; "
        "from pytest_oauthcc import ClientCredentials; "
        "auth = ClientCredentials('https://as.test/token', 'id', 'secret'); "
        "print(type(auth) is ClientCredentials, type(auth).__mro__[1].__module__)"
    )
    assert _fresh_process(code) == "True httpx"


def test_httpx2_is_not_imported_until_a_client_is_made() -> None:
    code = (
        "import sys; import pytest_oauthcc; before = 'httpx2' in sys.modules; "
        "pytest_oauthcc.ClientCredentials('https://as.test/token', 'id', 'secret'); "
        "print(before, 'httpx2' in sys.modules)"
    )
    assert _fresh_process(code) == "False True"


@pytest.mark.parametrize("stack", [httpx, httpx2], ids=["httpx", "httpx2"])
def test_a_subclass_keeps_its_own_name_and_flow(stack: object, local: World) -> None:
    class Custom(ClientCredentials):
        pass

    auth = Custom(local.provider.token_url, "app", "s3cret-value-0123456789")
    assert type(auth).__name__ == "Custom"
    assert isinstance(auth, Custom)
    assert isinstance(auth, stack.Auth)  # type: ignore[attr-defined]
