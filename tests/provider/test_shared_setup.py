"""Providers set up alike share what is immutable between them: the route table, the
"me" resource record.

Every pytest test gets a fresh provider; building its route table on its first request was
most of what that request cost over the next ones. The table depends only on the issuer, the
endpoint paths and the resources, so providers with the same share one, and a provider whose
issuer or resources change gets its own.
"""

from __future__ import annotations

import copy
import pickle

import pytest

from mock_provider import MockProvider


def test_providers_set_up_alike_share_one_route_table() -> None:
    first, second = MockProvider(), MockProvider()
    assert first.core.served()[0] is second.core.served()[0]
    assert first.routes() == second.routes()
    assert first.routes() is not second.routes()  # callers get their own copy


def test_a_different_issuer_path_or_resource_gets_its_own_table() -> None:
    plain = MockProvider()
    assert (
        MockProvider("https://other.test/tenant").core.served()[0] is not (plain.core.served()[0])
    )
    assert MockProvider(token_path="/token").routes()["/token"] == "token"
    changed = MockProvider()
    changed.add_resource("orders", "/api/orders", token_header="X-Auth", token_prefix="")
    assert changed.routes()["/api/orders"] == "orders"
    assert "/api/orders" not in plain.routes()
    assert changed.core.served()[1:] == (("Authorization", "X-Auth"), ())
    assert plain.core.served()[1:] == (("Authorization",), ())


def test_an_issuer_bound_later_rebuilds_the_table() -> None:
    provider = MockProvider()
    assert "/oauth/token" in provider.routes()
    provider.core.bind_url("http://127.0.0.1:8765/base")
    assert "/base/oauth/token" in provider.routes()
    assert "/oauth/token" not in provider.routes()


def test_providers_set_up_alike_share_one_me_resource_record() -> None:
    first, second = MockProvider(), MockProvider("https://other.test", me_scopes=())
    assert first.resource("me") is second.resource("me")
    assert first.resource("me").methods == ("GET",)
    assert first.resource("me").scopes == ()


def test_a_resource_with_a_body_or_other_options_gets_its_own_record() -> None:
    plain = MockProvider()
    scoped = MockProvider(me_scopes=("read",))
    assert scoped.resource("me") is not plain.resource("me")
    assert scoped.resource("me").scopes == ("read",)
    one, two = MockProvider(), MockProvider()
    answer = {"ok": True}
    assert one.add_resource("x", "/x", body=answer) is not two.add_resource("x", "/x", body=answer)
    lowered = one.add_resource("y", "/y", methods=("get", "post"))
    assert lowered.methods == ("GET", "POST")
    assert lowered is two.add_resource("y", "/y", methods=("get", "post"))
    odd = one.add_resource("z", "/z", scopes=(["not", "hashable"],))  # type: ignore[arg-type]
    assert odd.scopes == (["not", "hashable"],)


def test_a_replaced_resource_keeps_its_place_and_its_new_token_placement() -> None:
    provider = MockProvider()
    provider.add_resource("orders", "/api/orders", token_header="X-Auth", token_prefix="")
    provider.add_resource("items", "/api/items", token_query="key")
    assert provider.core.served()[1:] == (("Authorization", "X-Auth"), ("key",))
    provider.add_resource("orders", "/api/v2/orders", token_header="X-Other", token_prefix="")
    assert [route[0] for route in provider.core.registry.resource_routes] == [
        "me",
        "orders",
        "items",
    ]
    assert provider.routes()["/api/v2/orders"] == "orders"
    assert "/api/orders" not in provider.routes()
    assert provider.core.served()[1:] == (("Authorization", "X-Other"), ("key",))


def test_a_secret_client_registered_alike_is_one_record_whose_me_is_read_only() -> None:
    first, second = MockProvider(), MockProvider()
    one = first.add_client("app", "app-secret-value", scopes=("read",))
    assert second.add_client("app", "app-secret-value", scopes=("read",)) is one
    assert one.scopes == ("read",)
    assert dict(one.me) == {}
    assert one.me == {}
    alone = MockProvider().add_client("app", "app-secret-value", scopes=("read",), me={})
    assert alone is not one
    assert repr(one) == repr(alone)
    assert one == alone
    assert repr(one.me) == "{}"
    assert copy.deepcopy(one) == one
    assert pickle.loads(pickle.dumps(one)) == one
    with pytest.raises(TypeError):
        one.me["name"] = "changed"  # type: ignore[index]
    assert first.add_client("app", "other-secret-value", scopes=("read",)) is not one
    assert first.client("app") is not one  # the registration replaced it


def test_a_client_with_its_own_me_or_unhashable_options_gets_its_own_record() -> None:
    first, second = MockProvider(), MockProvider()
    with_me = first.add_client("app", "app-secret-value", me={"name": "App"})
    assert second.add_client("app", "app-secret-value", me={"name": "App"}) is not with_me
    with_me.me["name"] = "changed"  # type: ignore[index]  # its own dict, as before
    other = second.client("app")
    assert other is not None
    assert other.me == {"name": "App"}
    listed = first.add_client("app", "app-secret-value", scopes=["read", "read"])
    assert listed.scopes == ("read",)
    assert second.add_client("app", "app-secret-value", scopes=["read"]) is not listed


def test_a_refused_registration_is_refused_every_time() -> None:
    provider = MockProvider()
    for _ in range(2):
        with pytest.raises(TypeError, match="scope"):
            provider.add_client("app", "app-secret-value", scope=("read",))  # type: ignore[call-arg]
        with pytest.raises(ValueError, match="non-empty"):
            provider.add_client("app", "")
        with pytest.raises(TypeError, match="client_secret"):
            provider.add_client("app")
    assert provider.client("app") is None
