"""Every fast path of the request path answers exactly what the general path it skips would.

The provider skips work when it can tell it is not needed (nothing to percent-decode in a
form or in Basic credentials, a JSON encoder built once, URL-safe base64 without the
wrapper). Each is held here against the standard library call it stands for, on any input.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
from typing import Any
from urllib.parse import parse_qsl, quote_plus, unquote_plus

import httpx
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from mock_provider import MockProvider
from mock_provider.protocol.errors import OAuthError
from mock_provider.protocol.http import Response
from mock_provider.protocol.rfc6749 import decode_basic, parse_parameters
from mock_provider.state.tokens import _urlsafe

form_text = st.text(st.sampled_from("ab=&;%+ 2éF\x00"), max_size=24)


def _reference(text: str) -> tuple[dict[str, str], dict[str, list[str]]] | str:
    """What parse_parameters answered before its fast path: parse_qsl on every text."""
    try:
        pairs = parse_qsl(text, keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        return "not utf-8"
    form: dict[str, str] = {}
    multi: dict[str, list[str]] = {}
    seen: set[str] = set()
    for name, value in pairs:
        if name == "resource":
            if value:
                multi.setdefault(name, []).append(value)
                form.setdefault(name, value)
            continue
        if name in seen:
            return "repeated"
        seen.add(name)
        if value:
            form[name] = value
    return form, multi


@given(form_text)
@example("grant_type=client_credentials&scope=a")
@example("a&=b&&c=")
@example("a=%ff")
def test_form_parsing_equals_parse_qsl(text: str) -> None:
    expected = _reference(text)
    if isinstance(expected, str):
        wording = "not UTF-8" if expected == "not utf-8" else "more than once"
        with pytest.raises(OAuthError, match=wording):
            parse_parameters(text, where="request body")
        return
    parsed = parse_parameters(text, where="request body")
    assert (dict(parsed), parsed.multi) == expected


@given(st.text(max_size=12), st.text(max_size=12), st.booleans())
@example("id", "se+cr%2Bet", True)
@example("a b", "plain", True)
def test_basic_credentials_decode_as_unquote_plus(
    client_id: str, secret: str, encode_first: bool
) -> None:
    if ":" in client_id and not encode_first:
        return  # the first ':' splits id and secret: such an id must be form-encoded
    username = quote_plus(client_id) if encode_first else client_id
    password = quote_plus(secret) if encode_first else secret
    raw = f"{username}:{password}".encode()
    value = "Basic " + base64.b64encode(raw).decode()
    assert decode_basic(value, realm="r") == (unquote_plus(username), unquote_plus(password))
    assert decode_basic(value, realm="r", form_encoded=False) == (username, password)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner),
    max_leaves=12,
)


@given(json_values, st.integers(100, 599))
def test_json_answers_are_json_dumps_compact(payload: Any, status: int) -> None:
    response = Response.json(status, payload, {"Cache-Control": "no-store"})
    assert response.body == json.dumps(payload, separators=(",", ":")).encode()
    assert response.headers == [
        ("Content-Type", "application/json"),
        ("Cache-Control", "no-store"),
    ]


def test_a_cyclic_resource_body_is_answered_server_error() -> None:
    cyclic: dict[str, Any] = {}
    cyclic["self"] = cyclic
    provider = MockProvider()
    provider.add_client("c", "s")
    provider.add_resource("loop", "/api/loop", body=cyclic)
    with httpx.Client(transport=provider.transport(), base_url=provider.url) as http:
        token = http.post(
            "/oauth/token", data={"grant_type": "client_credentials"}, auth=("c", "s")
        ).json()["access_token"]
        answer = http.get("/api/loop", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 500
    assert answer.json()["error"] == "server_error"
    assert provider.requests[-1].error == "server_error"


@pytest.mark.parametrize("size", [0, 1, 15, 16, 32, 33, 48])
def test_urlsafe_tokens_are_token_urlsafe_encoding(size: int) -> None:
    raw = secrets.token_bytes(size)
    assert _urlsafe(raw) == base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@pytest.mark.parametrize("stack", ["httpx", "httpx2"])
@pytest.mark.parametrize(
    "url",
    [
        "https://a.test/oauth/token",
        "https://a.test/pa%20th/%E2%82%AC/x%2Fy?q=%20&r=1",
        "https://a.test/bad%ff%zz?",
        "https://a.test",
    ],
)
def test_httpx_requests_translate_as_their_public_api_reads(stack: str, url: str) -> None:
    http = pytest.importorskip(stack)
    from urllib.parse import unquote

    from mock_provider.transport.httpx_family import _header_pairs, to_provider_request

    headers = [
        ("X-Mixed-Case", "v"),
        ("x-repeat", "1"),
        ("X-Repeat", "2"),
        ("X-Latin", "caf\xe9".encode("latin-1")),
        ("Authorization", "Basic eDp5"),
    ]
    request = http.Request("POST", url, headers=headers, content=b"a=b")
    assert _header_pairs(request.headers) == request.headers.multi_items()
    translated = to_provider_request(request, b"a=b")
    raw_path = request.url.raw_path.split(b"?", 1)[0].decode("ascii")
    assert translated.path == unquote(raw_path, errors="replace")
    assert translated.headers.items() == request.headers.multi_items()
    assert translated.query == request.url.query.decode("ascii")


def test_header_pairs_fall_back_to_multi_items_for_another_layout() -> None:
    from mock_provider.transport.httpx_family import _header_pairs

    class OtherHeaders:
        encoding = "ascii"
        _list = ((b"only-two", b"fields"),)

        def multi_items(self) -> list[tuple[str, str]]:
            return [("only-two", "fields")]

    assert _header_pairs(OtherHeaders()) == [("only-two", "fields")]


@pytest.mark.parametrize("stack", ["httpx", "httpx2"])
@pytest.mark.parametrize(
    "value",
    [b"ascii only", "caf\xe9".encode(), "caf\xe9".encode("latin-1"), b"\xff\xfe"],
    ids=["ascii", "utf-8", "latin-1", "not-utf-8"],
)
@pytest.mark.parametrize("asked", [False, True], ids=["fresh", "encoding-asked-first"])
def test_header_pairs_decode_as_multi_items_in_every_encoding(
    stack: str, value: bytes, asked: bool
) -> None:
    http = pytest.importorskip(stack)
    from mock_provider.transport.httpx_family import _header_pairs

    request = http.Request("GET", "https://a.test/", headers=[("X-Value", value), ("A", "b")])
    if asked:
        assert request.headers.encoding
    assert _header_pairs(request.headers) == http.Headers(request.headers.raw).multi_items()


@pytest.mark.parametrize("stack", ["httpx", "httpx2"])
def test_header_pairs_decode_with_an_encoding_set_by_hand(stack: str) -> None:
    http = pytest.importorskip(stack)
    from mock_provider.transport.httpx_family import _header_pairs

    headers = http.Headers([("X-Value", "caf\xe9".encode())])
    headers.encoding = "latin-1"
    assert _header_pairs(headers) == headers.multi_items() == [("x-value", "caf\xc3\xa9")]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            "Basic !!!",
            "the Basic credentials are not valid base64 of UTF-8 text (RFC 7617 section 2)",
        ),
        ("Basic " + base64.b64encode(b"no-colon").decode(), "have no ':' between client_id"),
        ("Basic " + base64.b64encode(b"\xff:x").decode(), "not valid base64 of UTF-8 text"),
    ],
)
def test_unreadable_basic_credentials_are_refused_every_time(value: str, message: str) -> None:
    from mock_provider.protocol.errors import InvalidClientError

    for _ in range(2):  # a refusal is never cached: the second request is refused alike
        with pytest.raises(InvalidClientError, match=re.escape(message)) as refused:
            decode_basic(value, realm="r")
        assert value.partition(" ")[2] not in refused.value.description


def test_decoded_basic_credentials_are_kept_bounded() -> None:
    from mock_provider.protocol import rfc6749

    for index in range(100):
        raw = base64.b64encode(f"client-{index}:secret-{index}".encode()).decode()
        assert decode_basic(f"Basic {raw}", realm="r") == (f"client-{index}", f"secret-{index}")
        # the same value again, with other whitespace around it, reads the same
        assert decode_basic(f"  basic  {raw} ", realm="r") == (f"client-{index}", f"secret-{index}")
    assert rfc6749._basic_credentials.cache_info().currsize <= 64


@given(
    st.lists(
        st.tuples(st.text("abcx-", min_size=1, max_size=3), st.text("vw", max_size=2)), max_size=6
    ),
    st.text("abcxABCX-", min_size=1, max_size=3),
)
def test_headers_named_lower_case_look_up_as_any_headers(
    pairs: list[tuple[str, str]], name: str
) -> None:
    from mock_provider.protocol.http import Headers

    told, found = Headers(pairs, lowercase=True), Headers(pairs)
    assert told.get(name) == found.get(name)
    assert told.get(name, "absent") == found.get(name, "absent")
    assert told.get_all(name) == found.get_all(name)
    assert told.items() == found.items() == pairs


@pytest.mark.parametrize(
    ("content_type", "allow_charset", "accepted"),
    [
        ("application/x-www-form-urlencoded", False, True),  # the fast path
        ("application/x-www-form-urlencoded", True, True),
        ("Application/X-WWW-Form-Urlencoded", False, True),
        (" application/x-www-form-urlencoded ", False, True),
        ("application/x-www-form-urlencoded;charset=UTF-8", True, True),
        ("application/x-www-form-urlencoded;charset=UTF-8", False, False),
        ("application/x-www-form-urlencoded; ", False, True),
        ("application/json", True, False),
        ("", True, False),
        (None, True, False),
    ],
)
def test_form_content_types_are_judged_alike_on_every_path(
    content_type: str | None, allow_charset: bool, accepted: bool
) -> None:
    from mock_provider.protocol.rfc6749 import parse_form

    if accepted:
        form = parse_form(b"grant_type=x", content_type, allow_charset=allow_charset)
        assert dict(form) == {"grant_type": "x"}
    else:
        with pytest.raises(OAuthError, match="invalid_request"):
            parse_form(b"grant_type=x", content_type, allow_charset=allow_charset)


def _joserfc_b64decode(segment: bytes) -> bytes | str:
    from joserfc.util import urlsafe_b64decode

    try:
        return urlsafe_b64decode(segment)
    except ValueError:
        return "refused"


def _b64decode(segment: bytes) -> bytes | str:
    from mock_provider.protocol.jws import b64decode

    try:
        return b64decode(segment)
    except ValueError:
        return "refused"


base64url_like = st.binary(max_size=40) | st.text(
    st.sampled_from("AQgwYWJjz09-_+/= \n\x00é"), max_size=24
).map(str.encode)


@given(base64url_like)
@example(b"")
@example(b"YR")
@example(b"YQ")
@example(b"Y")
def test_the_jws_base64url_decoder_answers_as_joserfcs(segment: bytes) -> None:
    assert _b64decode(segment) == _joserfc_b64decode(segment)


@given(st.binary(max_size=64))
def test_the_jws_base64url_decoder_reverses_base64url(raw: bytes) -> None:
    assert _b64decode(base64.urlsafe_b64encode(raw).rstrip(b"=")) == raw


def _json_answer(decode: Any, text: str) -> Any:
    try:
        return ("value", decode(text))
    except ValueError as error:
        return ("refused", str(error))


json_like = st.text(
    st.sampled_from('{}[]":,0123456789.eE+-tfrunlaxs \\n\t'), max_size=24
) | st.builds(
    lambda value, before, after: before + json.dumps(value) + after,
    st.recursive(
        st.none()
        | st.booleans()
        | st.integers()
        | st.floats(allow_nan=False)
        | st.text(max_size=6),
        lambda children: (
            st.lists(children, max_size=3)
            | st.dictionaries(st.text(max_size=4), children, max_size=3)
        ),
        max_leaves=8,
    ),
    st.sampled_from(["", " ", "\n"]),
    st.sampled_from(["", " ", "\t\n", "x", "{}", ","]),
)


@given(json_like)
@example('{"a":1}')
@example(' {"a":1}')
@example('{"a":1} ')
@example('{"a":1}}')
@example("")
def test_the_jws_json_decoder_answers_as_json_loads(text: str) -> None:
    from mock_provider.protocol.jws import _decode_json

    assert _json_answer(_decode_json, text) == _json_answer(json.loads, text)


field_text = st.text(st.sampled_from("ab:é +&=%~-_."), max_size=8)


@given(
    client_id=field_text.filter(bool),
    assertion=st.text(st.sampled_from("aZ09-_.~+/= "), max_size=12),
    scopes=st.lists(field_text.filter(bool), max_size=2),
    audience=st.none() | field_text,
    resources=st.lists(field_text, max_size=2),
    extra=st.dictionaries(field_text.filter(bool), field_text, max_size=2),
)
def test_a_client_assertion_form_encoded_ahead_is_the_body_urlencode_makes(
    client_id: str,
    assertion: str,
    scopes: list[str],
    audience: str | None,
    resources: list[str],
    extra: dict[str, str],
) -> None:
    from urllib.parse import urlencode

    from pytest_oauthcc.client.token_request import (
        _assertion_form_head,
        _quote,
        form_body,
        urlencoded,
    )

    pairs = [
        ("client_id", client_id),
        ("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
        ("client_assertion", assertion),
    ]
    encoded = _assertion_form_head(client_id) + _quote(assertion)
    assert encoded == urlencoded(pairs) == urlencode(pairs)
    options: dict[str, Any] = {
        "scopes": scopes,
        "audience": audience,
        "resources": resources,
        "extra_params": extra,
    }
    body = form_body(credentials=pairs, encoded_credentials=encoded, **options)
    assert body == form_body(credentials=pairs, **options)
    expected = [("grant_type", "client_credentials"), *pairs]
    if scopes:
        expected.append(("scope", " ".join(scopes)))
    if audience is not None:
        expected.append(("audience", audience))
    expected += [("resource", r) for r in resources] + list(extra.items())
    assert body == urlencode(expected).encode("ascii")
