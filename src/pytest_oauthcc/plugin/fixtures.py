"""The plugin's fixtures: each imports what it needs (httpx, the provider) when a test asks.

The provider fixtures do not ask for ``request``: they read their test's item from
:data:`~.keys.RUNNING` (see :class:`~.keys.Running` for why).

Layering: imported at every pytest start-up (through :mod:`pytest_oauthcc.plugin`), so it
imports only pytest, :mod:`.options` and :mod:`.keys` at module level; the heavy work is in
:mod:`.providers` and :mod:`.servers`, imported inside the fixture bodies.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import TYPE_CHECKING

import pytest

from .keys import RUNNING, USED, providers_module
from .options import MARKER, merge_markers

if TYPE_CHECKING:
    import httpx

    from .checked import CheckedProvider
    from .collect import BoundConnection
    from .options import ProviderOptions
    from .servers import ServerPool

__all__ = [
    "make_oauth_provider",
    "oauth_async_client",
    "oauth_client",
    "oauth_provider",
    "oauth_server",
    "oauth_server_pool",
    "oauthcc_connection",
]


def _running_item() -> pytest.Item:
    item = RUNNING.item
    if item is None:  # pragma: no cover - pytest sets fixtures up inside a run protocol
        raise RuntimeError("the oauth_provider fixtures can only be set up for a running test")
    return item


def _options(item: pytest.Item) -> ProviderOptions:
    __tracebackhide__ = True
    options = merge_markers(item.iter_markers(MARKER))
    item.stash[USED] = True
    return options


@pytest.fixture
def oauth_provider() -> Iterator[CheckedProvider]:
    """A fresh mock provider per test, answering every request to its issuer's origin
    in-process on httpx, httpx2, requests and aiohttp (sync and async, including clients the
    code under test creates). Configured by ``@pytest.mark.oauth_provider(...)``; demo
    client ``demo-client`` / ``demo-secret``."""
    __tracebackhide__ = True
    item = _running_item()
    options = _options(item)
    provider, release = providers_module().routed(item, options, issuer=options.issuer)
    try:
        yield provider
    finally:
        release()


@pytest.fixture
def make_oauth_provider() -> Iterator[Callable[..., CheckedProvider]]:
    """A factory of independent in-process providers, each on its own issuer host; takes the
    marker's options as keyword arguments (over the test's marker)."""
    __tracebackhide__ = True
    from .providers import ProviderFactory

    item = _running_item()
    options = _options(item)
    with ExitStack() as stack:
        yield ProviderFactory(item, options, stack)


@pytest.fixture(scope="session")
def oauth_server_pool() -> Iterator[ServerPool]:
    """The loopback servers behind ``oauth_server``: started on first use, once per session
    (per xdist worker), stopped at the end; ``.url(tls=False)`` for session-scoped set-up."""
    from .servers import ServerPool

    with ServerPool() as pool:
        yield pool


@pytest.fixture
def oauth_server(oauth_server_pool: ServerPool) -> Iterator[CheckedProvider]:
    """A fresh provider per test on the session's real loopback socket (``.url``; with
    ``tls=True``, ``.ca_path``), for clients that are not httpx."""
    __tracebackhide__ = True
    from .providers import served

    item = _running_item()
    options = _options(item)
    with served(item, oauth_server_pool, options) as provider:
        yield provider


@pytest.fixture
def oauth_client(oauth_provider: CheckedProvider) -> Iterator[httpx.Client]:
    """An ``httpx.Client`` on ``oauth_provider`` (``base_url`` = its issuer) whose ``auth`` is
    the reference ``ClientCredentials`` for the demo client, on the provider's clock."""
    import httpx

    from .providers import reference_auth

    with httpx.Client(
        base_url=oauth_provider.url,
        auth=reference_auth(oauth_provider),
        transport=oauth_provider.transport(),
    ) as client:
        yield client


@pytest.fixture
def oauth_async_client(oauth_provider: CheckedProvider) -> httpx.AsyncClient:
    """The async counterpart of ``oauth_client``: an ``httpx.AsyncClient`` answered in-process
    (it holds no connection, so a test need not close it)."""
    import httpx

    from .providers import reference_auth

    return httpx.AsyncClient(
        base_url=oauth_provider.url,
        auth=reference_auth(oauth_provider),
        transport=oauth_provider.async_transport(),
    )


@pytest.fixture
def oauthcc_connection(request: pytest.FixtureRequest) -> BoundConnection:
    """The connection file named by ``@pytest.mark.oauthcc(config, fields=None, live=False)``,
    loaded; ``.check()`` runs its nine steps against a mock built from it (or live)."""
    __tracebackhide__ = True
    from .collect import bind_marker

    return bind_marker(request)
