"""Token responses: tolerant of the shapes real providers send, strict about what they mean
(RFC 6749 §5.1, §5.2, §7.1), with every provider quirk checked end to end."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from pytest_oauthcc import (
    InvalidTokenResponseError,
    TokenEndpointError,
    UnsupportedTokenTypeError,
)
from pytest_oauthcc.client.token import TokenResponse, parse_token_response

from .conftest import World

NOW = 1798761600.0  # 2027-01-01T00:00:00Z


def parse(
    body: Any, *, status: int = 200, content_type: str = "application/json", **kw: Any
) -> TokenResponse:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    response = httpx.Response(status, headers={"Content-Type": content_type}, content=raw)
    return parse_token_response(response, wall_now=NOW, **kw)


def token(**fields: Any) -> dict[str, Any]:
    return {"access_token": "tok", "token_type": "Bearer", **fields}


@pytest.mark.parametrize(
    ("expires_in", "lifetime"),
    [
        pytest.param(3600, 3600.0, id="int"),
        pytest.param(3599.5, 3599.5, id="float"),
        pytest.param("3600", 3600.0, id="numeric-string"),
        pytest.param(" 60.5 ", 60.5, id="padded-float-string"),
        pytest.param(0, None, id="zero-means-unknown"),
        pytest.param(-5, None, id="negative-means-unknown"),
        pytest.param(None, None, id="null"),
    ],
)
def test_rfc6749_5_1_expires_in_shapes(expires_in: Any, lifetime: float | None) -> None:
    assert parse(token(expires_in=expires_in)).lifetime == lifetime


@pytest.mark.parametrize("bad", ["soon", True, [3600], {"s": 1}, "nan", 10**400, -(10**400)])
def test_rfc6749_5_1_unreadable_expires_in_is_an_error(bad: Any) -> None:
    with pytest.raises(InvalidTokenResponseError, match="expires_in"):
        parse(token(expires_in=bad))


def test_expires_in_in_milliseconds_when_configured() -> None:
    assert parse(token(expires_in=3_600_000), expires_in_unit=0.001).lifetime == 3600.0


@pytest.mark.parametrize(
    ("expires_at", "epoch"),
    [
        pytest.param(NOW + 3600, NOW + 3600, id="epoch-seconds"),
        pytest.param(int((NOW + 3600) * 1000), NOW + 3600, id="epoch-milliseconds"),
        pytest.param(str(int(NOW + 60)), NOW + 60, id="epoch-string"),
        pytest.param("2027-01-01T01:00:00Z", NOW + 3600, id="iso8601-z"),
        pytest.param("2027-01-01T03:00:00+02:00", NOW + 3600, id="iso8601-offset"),
        pytest.param("2027-01-01T01:00:00", NOW + 3600, id="iso8601-naive-is-utc"),
    ],
)
def test_expires_at_shapes(expires_at: Any, epoch: float) -> None:
    parsed = parse(token(expires_at=expires_at))
    assert (parsed.lifetime, parsed.expires_at) == (None, epoch)


def test_expires_in_wins_over_expires_at() -> None:
    parsed = parse(token(expires_in=100, expires_at=NOW + 9999))
    assert (parsed.lifetime, parsed.expires_at) == (100.0, None)


def test_unreadable_expires_at_is_an_error() -> None:
    with pytest.raises(InvalidTokenResponseError, match="neither epoch seconds"):
        parse(token(expires_at="next tuesday"))


@pytest.mark.parametrize("token_type", ["Bearer", "bearer", "BEARER", None])
def test_rfc6749_7_1_token_type_is_case_insensitive_and_defaults_to_bearer(
    token_type: str | None,
) -> None:
    body = token(token_type=token_type)
    if token_type is None:
        del body["token_type"]
    assert parse(body).token_type == "Bearer"


@pytest.mark.parametrize("token_type", ["mac", "DPoP", "N_A", 7])
def test_rfc6749_7_1_unknown_token_type_is_a_clear_error(token_type: Any) -> None:
    with pytest.raises(UnsupportedTokenTypeError, match="only uses Bearer tokens"):
        parse(token(token_type=token_type))


def test_nested_token_path() -> None:
    parsed = parse({"data": token(expires_in="60", scope="a b")}, token_path="data.access_token")
    assert (parsed.access_token, parsed.lifetime, parsed.scope) == ("tok", 60.0, ("a", "b"))


def test_rfc6749_5_1_missing_access_token_names_the_members_and_a_fix() -> None:
    with pytest.raises(InvalidTokenResponseError) as caught:
        parse({"data": token(), "status": "ok"})
    assert str(caught.value) == (
        "the token response has no access_token (RFC 6749 §5.1 requires access_token); its "
        "top-level members are: data, status; it is at data.access_token, so pass "
        "token_path='data.access_token'"
    )


@pytest.mark.parametrize("value", ["", 42, None, ["t"]])
def test_access_token_must_be_a_non_empty_string(value: Any) -> None:
    with pytest.raises(InvalidTokenResponseError, match="not a non-empty string"):
        parse(token(access_token=value))


def test_rfc6749_5_2_error_inside_a_200() -> None:
    with pytest.raises(TokenEndpointError) as caught:
        parse({"error": "invalid_client", "error_description": "bad secret"})
    assert (caught.value.status, caught.value.error, caught.value.retryable) == (
        200,
        "invalid_client",
        False,
    )


def test_non_json_body_message_describes_without_echoing() -> None:
    with pytest.raises(InvalidTokenResponseError) as caught:
        parse(b"<html>access_token=leaked-value</html>", content_type="text/html")
    assert str(caught.value) == (
        "the token endpoint answered HTTP 200 with a 38-byte body with text/html (looks like "
        "HTML), which is not a JSON object (RFC 6749 §5.1: application/json) nor form-encoded"
    )


def test_a_json_array_is_not_a_token_response() -> None:
    with pytest.raises(InvalidTokenResponseError, match="not a JSON object"):
        parse([token()])


def test_form_encoded_responses_are_parsed() -> None:
    body = b"access_token=tok&token_type=bearer&expires_in=120&scope=a+b"
    parsed = parse(body, content_type="application/x-www-form-urlencoded; charset=utf-8")
    assert (parsed.access_token, parsed.lifetime, parsed.scope) == ("tok", 120.0, ("a", "b"))


# -- every quirk of the mock provider, end to end --------------------------------------


def assert_renews_at(world: World, auth: Any, seconds: float) -> None:
    """The first token is used until ``seconds`` after it was fetched, then renewed."""
    assert world.get(auth).status_code == 200
    start = world.provider.token_requests[0].time
    world.clock.set(start + seconds - 1)
    assert world.get(auth).status_code == 200
    assert len(world.provider.token_requests) == 1
    world.clock.set(start + seconds)
    assert world.get(auth).status_code == 200
    assert len(world.provider.token_requests) == 2


@pytest.mark.parametrize(
    ("quirks", "options", "renew_at"),
    [
        pytest.param({"expires_in_as": "string"}, {}, 3540, id="expires_in-string"),
        pytest.param({"expires_in_as": "float"}, {}, 3540, id="expires_in-float"),
        pytest.param({"expires_in_as": "zero"}, {"default_expires_in": 600}, 540, id="zero"),
        pytest.param({"expires_in_as": "missing"}, {"default_expires_in": 600}, 540, id="missing"),
        pytest.param({"expires_at": "epoch"}, {}, 3540, id="expires_at-epoch"),
        pytest.param({"expires_at": "epoch_ms"}, {}, 3540, id="expires_at-epoch_ms"),
        pytest.param({"expires_at": "iso8601"}, {}, 3540, id="expires_at-iso8601"),
        pytest.param({"lifetime_ms": True}, {"expires_in_unit": "ms"}, 3540, id="lifetime_ms"),
        pytest.param({"token_type": "bearer"}, {}, 3540, id="token_type-lower"),
        pytest.param({"token_type": "missing"}, {}, 3540, id="token_type-missing"),
        pytest.param(
            {"nest_under": "data"}, {"token_path": "data.access_token"}, 3540, id="nested"
        ),
        pytest.param({"extra_fields": {"ext_expires_in": 1}}, {}, 3540, id="extra_fields"),
        pytest.param({"narrow_scope": ["read"]}, {"scopes": ["read", "write"]}, 3540, id="narrow"),
        pytest.param({"form_encoded_response": True}, {}, 3540, id="form_encoded_response"),
        pytest.param({"response_charset": True}, {}, 3540, id="response_charset"),
        pytest.param({"reject_request_charset": True}, {}, 3540, id="reject_request_charset"),
    ],
)
def test_provider_quirks_are_understood(
    world: World, quirks: dict[str, Any], options: dict[str, Any], renew_at: float
) -> None:
    world.provider.set_quirks(**quirks)
    assert_renews_at(world, world.make(**options), renew_at)


def test_quirk_nested_without_token_path_says_how_to_fix(local: World) -> None:
    local.provider.set_quirks(nest_under="data")
    with pytest.raises(InvalidTokenResponseError, match=r"pass token_path='data\.access_token'"):
        local.get(local.make())


def test_quirk_unknown_token_type_is_refused(local: World) -> None:
    local.provider.set_quirks(token_type="mac")
    with pytest.raises(UnsupportedTokenTypeError):
        local.get(local.make())
    assert [r.endpoint for r in local.provider.requests] == ["token"]  # the API never saw it


def test_an_expires_at_already_past_is_refused_with_the_likely_causes() -> None:
    from pytest_oauthcc.client.single_flight import cache_entry

    parsed = parse(token(expires_at=NOW - 120))
    with pytest.raises(InvalidTokenResponseError) as caught:
        cache_entry(
            parsed,
            sent=10.0,
            sent_wall=NOW,
            renew_before=60,
            default_expires_in=3600,
            previous=None,
        )
    assert str(caught.value) == (
        "the token response's expires_at is 120s in the past by this client's clock; "
        "check for clock skew or an expires_at in other units"
    )


def test_expires_at_becomes_a_lifetime_from_the_send_time() -> None:
    from pytest_oauthcc.client.single_flight import cache_entry

    parsed = parse(token(expires_at=NOW + 600))
    entry = cache_entry(
        parsed, sent=10.0, sent_wall=NOW, renew_before=60, default_expires_in=3600, previous=None
    )
    assert (entry.renew_at, entry.expires_at) == (10.0 + 540, 10.0 + 600)
