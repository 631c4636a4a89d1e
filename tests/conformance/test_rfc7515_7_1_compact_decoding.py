"""RFC 7515 §7.1 / §5.2: :func:`mock_provider.protocol.jws.decode_compact` decodes each
segment of a compact JWS once, strictly, and a header segment seen before is the same
header without being decoded again (every assertion of a client repeats its header)."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from mock_provider.protocol import jws


def _segment(value: Any) -> str:
    raw = value if isinstance(value, bytes) else json.dumps(value).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _compact(header: Any, payload: Any, signature: bytes = b"s" * 64) -> str:
    return ".".join((_segment(header), _segment(payload), _segment(signature)))


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    jws._HEADERS.clear()


def test_rfc7515_7_1_the_segments_are_split_and_decoded() -> None:
    value = _compact({"alg": "ES256", "typ": "JWT"}, {"iss": "c"})
    signing_input, signature, header, claims = jws.decode_compact(value)
    assert signing_input == value.rpartition(".")[0].encode()
    assert signature == value.rpartition(".")[2].encode()  # still base64url
    assert (header, claims) == ({"alg": "ES256", "typ": "JWT"}, {"iss": "c"})


def test_rfc7515_5_2_a_header_seen_before_is_not_decoded_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    decoded: list[str] = []
    real = jws._decode_json

    def counting(text: str) -> Any:
        decoded.append(text)
        return real(text)

    monkeypatch.setattr(jws, "_decode_json", counting)
    first = jws.decode_compact(_compact({"alg": "EdDSA"}, {"jti": "1"}))
    second = jws.decode_compact(_compact({"alg": "EdDSA"}, {"jti": "2"}))
    assert len(decoded) == 3  # the header once, each payload once
    assert first[2] == second[2] == {"alg": "EdDSA"}
    assert (first[3], second[3]) == ({"jti": "1"}, {"jti": "2"})
    other = jws.decode_compact(_compact({"alg": "ES256"}, {"jti": "3"}))
    assert other[2] == {"alg": "ES256"}
    assert len(decoded) == 5


@pytest.mark.parametrize(
    "header",
    [b'"alg"', b"[]", b'{"typ": "JWT"}', b"\xff\xfe{}", b"{not json"],
    ids=["string", "array", "no-alg", "not-utf8", "not-json"],
)
def test_rfc7515_4_a_header_that_is_no_jose_header_is_refused_every_time(header: bytes) -> None:
    value = _compact(header, {"iss": "c"})
    for _ in range(2):  # a refusal is never remembered as a header
        with pytest.raises(ValueError):
            jws.decode_compact(value)
    assert jws._HEADERS == {}


def test_rfc7797_6_b64_false_is_read_only_with_b64_in_crit() -> None:
    payload = '{"iss":"c"}'
    without = f"{_segment({'alg': 'HS256', 'b64': False})}.{payload}.{_segment(b's')}"
    for _ in range(2):
        with pytest.raises(ValueError, match="b64 without crit"):
            jws.decode_compact(without)
    header = {"alg": "HS256", "b64": False, "crit": ["b64"]}
    unencoded = f"{_segment(header)}.{payload}.{_segment(b's')}"
    for _ in range(2):
        assert jws.decode_compact(unencoded)[2:] == (header, {"iss": "c"})


@pytest.mark.parametrize(
    "value",
    ["a.b", "a.b.c.d", "e30.e30.é", "e30=.e30.c2ln"],
    ids=["two-segments", "four-segments", "not-ascii", "padded"],
)
def test_rfc7515_7_1_what_is_not_a_strict_compact_jws_is_refused(value: str) -> None:
    with pytest.raises(ValueError):
        jws.decode_compact(value)


def test_rfc7515_7_1_each_segment_and_the_whole_are_bounded() -> None:
    big = _compact({"alg": "RS256", "x": "y" * jws._MAX_HEADER}, {"iss": "c"})
    with pytest.raises(ValueError, match="bound"):
        jws.decode_compact(big)


def test_the_header_cache_is_bounded_and_keeps_no_large_header() -> None:
    for n in range(jws._MAX_HEADERS + 10):
        jws.decode_compact(_compact({"alg": "ES256", "kid": f"k{n}"}, {}))
    assert 0 < len(jws._HEADERS) <= jws._MAX_HEADERS
    jws._HEADERS.clear()
    chain = {"alg": "RS256", "x5c": ["A" * jws._MAX_CACHED_HEADER]}
    assert jws.decode_compact(_compact(chain, {}))[2] == chain
    assert jws._HEADERS == {}  # an x5c chain is decoded each time, not kept


@pytest.mark.parametrize(
    "segment",
    [b"YWJj=", b"YWI=", b"YW+i", b"YW/i", b"YW i", b"YW\ni", b"Y", b"YWJ", b"YR", b"\xff\xfe"],
    ids=[
        "padding",
        "padded",
        "plus",
        "slash",
        "space",
        "newline",
        "one-digit",
        "non-canonical",
        "non-canonical-2",
        "non-ascii",
    ],
)
def test_rfc7515_2_base64url_is_refused_unless_canonical_and_unpadded(segment: bytes) -> None:
    with pytest.raises(ValueError):
        jws.b64decode(segment)


def test_rfc7515_2_base64url_decodes_the_url_safe_alphabet() -> None:
    raw = bytes(range(256))
    assert jws.b64decode(base64.urlsafe_b64encode(raw).rstrip(b"=")) == raw
    assert jws.b64decode(b"") == b""
