"""The scrubber replaces known secrets and tokens in every form a server may echo them in."""

from __future__ import annotations

import base64
import json
from urllib.parse import quote, quote_plus

import pytest

from mock_provider.protocol import fingerprint
from pytest_oauthcc.scrub import Scrubber

SECRET = 'a+b/c d="e"\\f\u00e9'


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


@pytest.mark.parametrize(
    "form",
    [
        pytest.param(SECRET, id="as-sent"),
        pytest.param(quote_plus(SECRET), id="form-encoded"),
        pytest.param(quote(SECRET, safe=""), id="percent-encoded"),
        pytest.param(json.dumps(SECRET)[1:-1], id="json-escaped"),
        pytest.param(json.dumps(SECRET, ensure_ascii=False)[1:-1], id="json-escaped-utf8"),
        pytest.param(b64(SECRET), id="base64"),
        pytest.param(b64(f"app:{SECRET}"), id="basic"),
        pytest.param(b64(f"app:{quote_plus(SECRET)}"), id="basic-rfc6749-2.3.1"),
        pytest.param(b64(f"app:{SECRET}").rstrip("="), id="basic-unpadded"),
    ],
)
def test_every_form_of_a_secret_becomes_its_fingerprint(form: str) -> None:
    scrub = Scrubber()
    scrub.add_secret(SECRET, client_id="app")
    assert scrub(f"provider said <{form}>") == f"provider said <{fingerprint(SECRET)}>"


def test_tokens_become_their_fingerprint_and_other_text_stays() -> None:
    scrub = Scrubber()
    assert not scrub
    scrub.add_token("tok-1234567890")
    assert scrub
    assert scrub("Bearer tok-1234567890, ok") == f"Bearer {fingerprint('tok-1234567890')}, ok"
    assert scrub("nothing to see") == "nothing to see"


def test_short_or_missing_values_are_ignored() -> None:
    scrub = Scrubber()
    scrub.add_secret("abc")
    scrub.add_secret(None)
    scrub.add_token("")
    assert not scrub
    assert scrub("abc") == "abc"


def test_a_longer_value_containing_a_shorter_one_is_replaced_whole() -> None:
    scrub = Scrubber()
    scrub.add_secret("secret-1")
    scrub.add_token("secret-1-and-more")
    assert scrub("x secret-1-and-more y") == f"x {fingerprint('secret-1-and-more')} y"


def test_repr_shows_no_value() -> None:
    scrub = Scrubber()
    scrub.add_secret("hidden-value")
    assert "hidden" not in repr(scrub)
