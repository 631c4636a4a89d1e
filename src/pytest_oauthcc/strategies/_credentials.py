"""Client credentials and scopes: the strings that break naive client implementations.

RFC 6749 Appendix A.1/A.2: ``client_id`` and ``client_secret`` are ``*VSCHAR``
(``%x20-7E``), so a space, ``:``, ``%``, ``+`` and ``/`` are all legal, and each breaks a
client that builds HTTP Basic credentials without the §2.3.1 form-encoding step. Secrets set
by people on self-hosted servers are often non-ASCII too. Alphabets list the plain characters
first, so failing examples shrink to readable ones (``a``, ``a:``, ``a%``).

Layering: imports Hypothesis, PyYAML and what :mod:`mock_provider` exports; never the plugin
(the connection format only inside runnable examples).
"""

from __future__ import annotations

import string

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from ._validation import check_bool, check_range, check_size, check_type

__all__ = ["client_ids", "client_secrets", "scope_sets", "scopes"]

_PLAIN = string.ascii_lowercase + string.digits + string.ascii_uppercase + "-_."
# The characters that a Basic header built without form-encoding (§2.3.1) gets wrong.
_BASIC_BREAKERS = ": %+/=&"
_VSCHAR = "".join(chr(c) for c in range(0x20, 0x7F))
_OTHER_VSCHAR = "".join(c for c in _VSCHAR if c not in _PLAIN + _BASIC_BREAKERS)
# RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ) (no space, '"' or '\').
_NQCHAR = "".join(chr(c) for c in range(0x21, 0x7F) if chr(c) not in '"\\')
_SCOPE_PUNCTUATION = ":./-_"
_OTHER_NQCHAR = "".join(c for c in _NQCHAR if c not in _PLAIN + _SCOPE_PUNCTUATION)
# Printable non-ASCII from a few scripts (Latin-1, Greek, Cyrillic, CJK, emoji); no controls,
# no surrogates, no separators, so every value encodes to UTF-8 and survives a form.
_NON_ASCII = st.characters(
    min_codepoint=0xA1,
    max_codepoint=0x1F64F,
    exclude_categories=("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp", "Zs"),
)


def _credential_alphabet(non_ascii: bool) -> SearchStrategy[str]:
    parts: list[SearchStrategy[str]] = [
        st.sampled_from(_PLAIN),
        st.sampled_from(_BASIC_BREAKERS),
        st.sampled_from(_OTHER_VSCHAR),
    ]
    if non_ascii:
        parts.append(_NON_ASCII)
    return st.one_of(parts)


def client_ids(
    *, min_size: int = 1, max_size: int = 40, non_ascii: bool = False
) -> SearchStrategy[str]:
    """Client identifiers, RFC 6749 §2.2 / Appendix A.1 (``*VSCHAR``, not empty).

    Generated ids often contain ``: % + / space``, which a client must form-encode before
    HTTP Basic encoding (§2.3.1). Shrinks towards ``"a"``.

    Args:
        min_size, max_size: length bounds (``1 <= min_size <= max_size``).
        non_ascii: also use printable non-ASCII characters (outside the RFC's alphabet, but
            sent by some self-hosted servers).

    Raises:
        InvalidArgument: for a bound that is not an int, < 1, or ``min_size > max_size``.

    Example::

        from hypothesis import given
        from pytest_oauthcc.strategies import client_ids

        @given(client_ids())
        def test_ids_are_visible_ascii(client_id):
            assert client_id and all(" " <= c <= "~" for c in client_id)
    """
    check_size(min_size, "min_size", low=1)
    check_size(max_size, "max_size", low=1)
    check_range(min_size, max_size, names=("min_size", "max_size"))
    check_bool(non_ascii, "non_ascii")
    return st.text(_credential_alphabet(non_ascii), min_size=min_size, max_size=max_size)


def client_secrets(
    *, min_size: int = 1, max_size: int = 64, non_ascii: bool = True
) -> SearchStrategy[str]:
    """Client secrets, RFC 6749 §2.3.1 / Appendix A.2, including non-ASCII by default.

    Generated secrets often contain ``: % + / space`` and non-ASCII characters: everything a
    hand-rolled ``base64(id + ":" + secret)`` or an unencoded form body gets wrong. Shrinks
    towards ``"a"``.

    Args:
        min_size, max_size: length bounds (``1 <= min_size <= max_size``).
        non_ascii: use printable non-ASCII characters too (``False``: RFC ``VSCHAR`` only).

    Raises:
        InvalidArgument: for a bound that is not an int, < 1, or ``min_size > max_size``.

    Example::

        from hypothesis import given
        from pytest_oauthcc.strategies import client_secrets

        @given(client_secrets(non_ascii=False))
        def test_secrets_are_visible_ascii(secret):
            assert all(" " <= c <= "~" for c in secret)
    """
    check_size(min_size, "min_size", low=1)
    check_size(max_size, "max_size", low=1)
    check_range(min_size, max_size, names=("min_size", "max_size"))
    check_bool(non_ascii, "non_ascii")
    return st.text(_credential_alphabet(non_ascii), min_size=min_size, max_size=max_size)


def scopes(*, min_size: int = 1, max_size: int = 24) -> SearchStrategy[str]:
    """One scope token, RFC 6749 §3.3: ``1*( %x21 / %x23-5B / %x5D-7E )``.

    Mostly the shapes real providers use (``read``, ``api://x/.default``,
    ``https://graph.microsoft.com/.default``), with every other legal character mixed in.
    Shrinks towards ``"a"``.

    Args:
        min_size, max_size: length bounds (``1 <= min_size <= max_size``).

    Raises:
        InvalidArgument: for a bound that is not an int, < 1, or ``min_size > max_size``.

    Example::

        from hypothesis import given
        from pytest_oauthcc.strategies import scopes

        @given(scopes())
        def test_a_scope_has_no_space_quote_or_backslash(scope):
            assert not set(scope) & set(' "\\\\')
    """
    check_size(min_size, "min_size", low=1)
    check_size(max_size, "max_size", low=1)
    check_range(min_size, max_size, names=("min_size", "max_size"))
    alphabet = st.one_of(
        st.sampled_from(string.ascii_lowercase + string.digits),
        st.sampled_from(_SCOPE_PUNCTUATION),
        st.sampled_from(_OTHER_NQCHAR + string.ascii_uppercase),
    )
    return st.text(alphabet, min_size=min_size, max_size=max_size)


def scope_sets(
    *,
    min_size: int = 0,
    max_size: int = 5,
    elements: SearchStrategy[str] | None = None,
) -> SearchStrategy[tuple[str, ...]]:
    """Distinct scope tokens, in the order a client would request them (RFC 6749 §3.3:
    "space-delimited, case-sensitive strings"; the order does not matter).

    Args:
        min_size, max_size: how many scopes (``0 <= min_size <= max_size``).
        elements: the strategy for each scope (default :func:`scopes`).

    Raises:
        InvalidArgument: for a bad bound or an ``elements`` that is not a strategy.

    Example::

        from hypothesis import given
        from pytest_oauthcc.strategies import scope_sets

        @given(scope_sets(min_size=1))
        def test_the_scope_parameter_round_trips(requested):
            assert tuple(" ".join(requested).split(" ")) == requested
    """
    check_size(min_size, "min_size", low=0)
    check_size(max_size, "max_size", low=0)
    check_range(min_size, max_size, names=("min_size", "max_size"))
    if elements is None:
        elements = scopes()
    check_type(SearchStrategy, elements, "elements")
    return st.lists(elements, min_size=min_size, max_size=max_size, unique=True).map(tuple)
