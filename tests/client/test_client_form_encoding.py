"""The client's form encoding (RFC 6749 Appendix B) is exactly ``urllib.parse.urlencode``'s,
with its constant names and values encoded once."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from hypothesis import given
from hypothesis import strategies as st

from pytest_oauthcc.client.assertion import CLIENT_ASSERTION_TYPE
from pytest_oauthcc.client.token_request import urlencoded

CONSTANTS = st.sampled_from(
    ["grant_type", "client_credentials", "client_assertion_type", CLIENT_ASSERTION_TYPE, "scope"]
)
# Often unreserved only (a client assertion), and the characters around that boundary.
NEAR_UNRESERVED = st.text(alphabet="AZaz09_.~-+ /=%é٣\x00")
TEXT = CONSTANTS | NEAR_UNRESERVED | st.text()


@given(st.lists(st.tuples(TEXT, TEXT), max_size=6))
def test_rfc6749_appendix_b_form_encoding_is_urlencodes(pairs: list[tuple[str, str]]) -> None:
    assert urlencoded(pairs) == urlencode(pairs)


def test_rfc6749_appendix_b_the_jwt_bearer_urn_is_percent_encoded() -> None:
    pairs = [("client_assertion_type", CLIENT_ASSERTION_TYPE), ("scope", "a b")]
    body = urlencoded(pairs)
    assert body == (
        "client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer"
        "&scope=a+b"
    )
    assert parse_qsl(body) == pairs
