"""Form bodies: decoding the jwt-bearer URN up front (RFC 7523 §2.2) parses every body
exactly as percent-decoding each field does."""

from __future__ import annotations

from urllib.parse import quote_plus

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mock_provider.protocol.errors import OAuthError
from mock_provider.protocol.rfc6749 import Params, parse_form, parse_parameters
from mock_provider.protocol.rfc7523 import JWT_BEARER

FORM = "application/x-www-form-urlencoded"
ENCODED = quote_plus(JWT_BEARER)
# Pieces that sit next to the URN in real and hostile bodies: separators, partial and whole
# percent escapes, plus signs.
PIECES = st.sampled_from(
    [ENCODED, "client_assertion_type=", "&", "=", "%", "%2", "%25", "%3", "%3A", "+", "a", "F"]
)


def _parsed(text: str) -> Params | str:
    try:
        return parse_parameters(text, where="request body")
    except OAuthError as error:
        return error.description


def _parsed_form(body: bytes) -> Params | str:
    try:
        return parse_form(body, FORM)
    except OAuthError as error:
        return error.description


@given(st.lists(PIECES | st.text(max_size=4), max_size=12).map("".join))
def test_rfc7523_2_2_the_urn_decoded_up_front_parses_as_each_field(text: str) -> None:
    assert _parsed_form(text.encode()) == _parsed(text)


def test_rfc7523_2_2_an_assertion_request_body() -> None:
    body = f"grant_type=client_credentials&client_assertion_type={ENCODED}&client_assertion=x.y.z"
    form = parse_form(body.encode(), FORM)
    assert form == {
        "grant_type": "client_credentials",
        "client_assertion_type": JWT_BEARER,
        "client_assertion": "x.y.z",
    }


def test_rfc6749_3_1_a_repeated_urn_is_still_refused() -> None:
    body = f"client_assertion_type={ENCODED}&client_assertion_type={ENCODED}"
    with pytest.raises(OAuthError, match="included more than once"):
        parse_form(body.encode(), FORM)
