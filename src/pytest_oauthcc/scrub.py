"""The scrubber: every known secret and token taken out of text before it is shown.

A provider may echo what it was sent (an ``error_description`` quoting the client secret, a
header naming the token, a 200 body carrying either), and the checker and the client copy
the provider's text into their messages. Redacting by *name* (``client_secret=...``) cannot
catch that; a :class:`Scrubber` redacts by *value*: it is told each secret and token as it is
learnt and replaces each one, in the forms a server is likely to echo it in (as sent, URL
encoded, JSON-escaped, base64, and inside an HTTP Basic ``id:secret`` pair), wherever it
appears, by its fingerprint (``fp:`` + 8 hex digits of its SHA-256, as recordings show
tokens), so a transcript still says which value was echoed without showing it.

Layering: a leaf: imports the standard library and :mod:`mock_provider.protocol` only; the
client and the connection checker both use it.
"""

from __future__ import annotations

import base64
import json
from urllib.parse import quote, quote_plus

from mock_provider.protocol import fingerprint

__all__ = ["Scrubber", "encodings"]

# A value this short cannot be told apart from ordinary words in a message; secrets and
# tokens are far longer.
MIN_LENGTH = 4


def _b64(text: str) -> list[str]:
    raw = text.encode("utf-8", "surrogatepass")
    forms = [base64.b64encode(raw).decode(), base64.urlsafe_b64encode(raw).decode()]
    return [*forms, *(f.rstrip("=") for f in forms)]


def encodings(value: str) -> set[str]:
    """The forms of ``value`` a server may echo: as is, URL-encoded, JSON-escaped, base64."""
    forms = {value, quote(value, safe=""), quote_plus(value), quote(value)}
    forms.add(json.dumps(value)[1:-1])
    forms.add(json.dumps(value, ensure_ascii=False)[1:-1])
    forms.update(_b64(value))
    return {f for f in forms if len(f) >= MIN_LENGTH}


class Scrubber:
    """Replaces every secret and token it was told about, in every form, in any text.

    Calling it on a string returns the string scrubbed; it is cheap to call when it knows
    nothing. Values shorter than 4 characters are ignored (they would erase ordinary words).
    """

    def __init__(self) -> None:
        self._replacements: dict[str, str] = {}
        self._ordered: list[tuple[str, str]] = []

    def __bool__(self) -> bool:
        return bool(self._replacements)

    def __repr__(self) -> str:
        return f"Scrubber({len(self._replacements)} form(s))"  # never the values

    def _learn(self, forms: set[str], replacement: str) -> None:
        for form in forms:
            self._replacements.setdefault(form, replacement)
        # Longest first, so a secret inside a longer known value is not replaced half-way.
        self._ordered = sorted(self._replacements.items(), key=lambda kv: -len(kv[0]))

    def add_secret(self, value: str | None, *, client_id: str | None = None) -> None:
        """Learn a secret (a client secret, a private key, a secret field's value).

        Args:
            value: the secret; ``None`` or short values are ignored.
            client_id: when given, also the HTTP Basic credentials ``client_id:value``
                (plain, and form-encoded first as RFC 6749 §2.3.1 says).
        """
        if not value or len(value) < MIN_LENGTH:
            return
        forms = encodings(value)
        if client_id is not None:
            for pair in (f"{client_id}:{value}", f"{quote_plus(client_id)}:{quote_plus(value)}"):
                forms.update(_b64(pair))
        self._learn(forms, fingerprint(value))

    def add_token(self, value: str | None) -> None:
        """Learn a token or assertion."""
        if not value or len(value) < MIN_LENGTH:
            return
        self._learn(encodings(value), fingerprint(value))

    def __call__(self, text: str) -> str:
        """``text`` with every known value replaced."""
        for form, replacement in self._ordered:
            if form in text:
                text = text.replace(form, replacement)
        return text
