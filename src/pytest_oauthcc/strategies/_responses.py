"""``token_responses()`` and ``oauth_errors()``: what providers answer, good days and bad.

Both render through the mock provider's own code (:func:`mock_provider.quirks.shape_token_response`,
:class:`mock_provider.OAuthError`), so a generated answer is byte for byte what the mock
provider sends, and a quirk added to the provider is generated here without a copy.

Layering: imports Hypothesis, PyYAML and what :mod:`mock_provider` exports; never the plugin
(the connection format only inside runnable examples).
"""

from __future__ import annotations

import string
import time
from collections.abc import Iterable
from typing import Any

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from mock_provider import BearerError, OAuthError, Quirks, shape_token_response, validate_quirks

from ._answers import ErrorAnswer, TokenAnswer
from ._credentials import scope_sets
from ._quirk_values import RESPONSE_QUIRKS, draw_quirks
from ._validation import check_choices, check_range, check_size, check_type

__all__ = ["RESOURCE_ERRORS", "TOKEN_ERRORS", "oauth_errors", "token_responses"]

_NO_STORE = (("Cache-Control", "no-store"), ("Pragma", "no-cache"))
# RFC 6750 §2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
_B64TOKEN = st.text(
    st.one_of(
        st.sampled_from(string.ascii_letters + string.digits),
        st.sampled_from("-._~+/"),
    ),
    min_size=8,
    max_size=64,
)

# RFC 6749 §5.2 codes with their usual status; RFC 6749 §4.1.2.1 server_error and
# temporarily_unavailable, which providers also send from the token endpoint; RFC 8707 §2
# invalid_target.
TOKEN_ERRORS: dict[str, int] = {
    "invalid_request": 400,
    "invalid_client": 401,
    "invalid_grant": 400,
    "unauthorized_client": 400,
    "unsupported_grant_type": 400,
    "invalid_scope": 400,
    "invalid_target": 400,
    "server_error": 500,
    "temporarily_unavailable": 503,
}
# RFC 6750 §3.1 codes and statuses.
RESOURCE_ERRORS: dict[str, int] = {
    "invalid_request": 400,
    "invalid_token": 401,
    "insufficient_scope": 403,
}
_WHERE = ("token", "resource")
# §5.2: error_description is %x20-21 / %x23-5B / %x5D-7E.
_DESCRIPTION = st.text(
    st.sampled_from(string.ascii_lowercase + " " + string.digits + ".,:;()'-_/"),
    min_size=1,
    max_size=60,
)


def token_responses(
    *,
    quirks: bool | Iterable[str] = False,
    scope: SearchStrategy[tuple[str, ...]] | None = None,
    min_lifetime: int = 1,
    max_lifetime: int = 86_400,
    issued_at: float | None = None,
) -> SearchStrategy[TokenAnswer]:
    """Successful token responses (RFC 6749 §5.1), conformant or bent by provider quirks.

    Args:
        quirks: ``False`` for conformant answers only; ``True`` for any combination of the
            answer-shaping quirks of :mod:`mock_provider.quirks` (none included); or a
            collection of quirk names, of which every answer uses at least one.
        scope: the granted scopes (default :func:`scope_sets`); empty means no ``scope``.
        min_lifetime, max_lifetime: bounds of the token lifetime in seconds.
        issued_at: the epoch second the answers are made at (for ``expires_at`` quirks);
            default: the wall clock when drawn.

    Raises:
        InvalidArgument: for an unknown quirk or one that only means something across
            requests (``sticky_token``: use :func:`fault_plans`), or bad lifetime bounds.

    Example::

        from hypothesis import given
        from pytest_oauthcc.strategies import token_responses

        @given(token_responses())
        def test_conformant_answers_are_bearer_json(answer):
            body = answer.json()
            assert answer.status == 200
            assert body["token_type"] == "Bearer"
            assert body["access_token"] == answer.access_token
    """
    names = _quirk_names(quirks)
    check_size(min_lifetime, "min_lifetime", low=1)
    check_size(max_lifetime, "max_lifetime", low=1)
    check_range(min_lifetime, max_lifetime, names=("min_lifetime", "max_lifetime"))
    if scope is not None:
        check_type(SearchStrategy, scope, "scope")
    if issued_at is not None:
        check_type((int, float), issued_at, "issued_at")
    at_least_one = quirks is not True and bool(names)

    @st.composite
    def build(draw: st.DrawFn) -> TokenAnswer:
        options = draw_quirks(draw, names, at_least_one=at_least_one) if names else {}
        token = draw(_B64TOKEN)
        lifetime = draw(st.integers(min_lifetime, max_lifetime))
        granted = draw(scope if scope is not None else scope_sets(max_size=3))
        now = float(int(time.time())) if issued_at is None else float(issued_at)
        body: dict[str, Any] = {
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": lifetime,
        }
        if granted:
            body["scope"] = " ".join(granted)
        shaped = shape_token_response(
            Quirks().merged(validate_quirks(options)),
            body,
            expires_at=now + lifetime,
            headers=dict(_NO_STORE),
        )
        return TokenAnswer(
            shaped.status,
            tuple(shaped.headers),
            shaped.body,
            access_token=token,
            lifetime=lifetime,
            scope=tuple(granted),
            issued_at=now,
            quirks=options,
        )

    return build()


def _quirk_names(quirks: bool | Iterable[str]) -> tuple[str, ...]:
    if quirks is True:
        return RESPONSE_QUIRKS
    if quirks is False:
        return ()
    return check_choices(quirks, "quirks", RESPONSE_QUIRKS, what="answer-shaping quirk names")


def oauth_errors(
    *,
    where: str | None = None,
    errors: Iterable[str] | None = None,
) -> SearchStrategy[ErrorAnswer]:
    """Error answers: RFC 6749 §5.2 from a token endpoint, RFC 6750 §3 from an API.

    Token endpoint errors are JSON with the status the RFC gives each code; a 401
    ``invalid_client`` carries ``WWW-Authenticate: Basic`` (§5.2), and ``server_error`` /
    ``temporarily_unavailable`` sometimes a ``Retry-After``. Protected-resource errors carry
    the ``WWW-Authenticate: Bearer`` challenge of RFC 6750 §3, including the bare challenge
    (no error code) for a request without credentials. Shrinks to a bare
    ``invalid_request``.

    Args:
        where: ``"token"``, ``"resource"``, or ``None`` for both.
        errors: only these error codes (from :data:`TOKEN_ERRORS` / :data:`RESOURCE_ERRORS`).

    Raises:
        InvalidArgument: for an unknown ``where`` or error code.

    Example::

        from hypothesis import given
        from pytest_oauthcc.strategies import oauth_errors

        @given(oauth_errors(where="resource", errors=["invalid_token"]))
        def test_invalid_token_is_a_401_bearer_challenge(answer):
            assert answer.status == 401
            assert answer.header("WWW-Authenticate").startswith("Bearer ")
    """
    if where is not None:
        check_type(str, where, "where")
    places = _WHERE if where is None else check_choices([where], "where", _WHERE, what="places")
    known = {c for p in places for c in (TOKEN_ERRORS if p == "token" else RESOURCE_ERRORS)}
    codes = None
    if errors is not None:
        codes = check_choices(errors, "errors", sorted(known), what="error codes")
    options: list[SearchStrategy[ErrorAnswer]] = []
    if "token" in places:
        table = [c for c in TOKEN_ERRORS if codes is None or c in codes]
        if table:
            options.append(_token_error(table))
    if "resource" in places:
        table = [c for c in RESOURCE_ERRORS if codes is None or c in codes]
        if table:
            options.append(_resource_error(table, bare=codes is None))
    return st.one_of(options)


def _token_error(codes: list[str]) -> SearchStrategy[ErrorAnswer]:
    @st.composite
    def build(draw: st.DrawFn) -> ErrorAnswer:
        code = draw(st.sampled_from(codes))
        description = draw(st.none() | _DESCRIPTION)
        uri = draw(st.none() | st.just(f"https://provider.test/docs/errors#{code}"))
        status = TOKEN_ERRORS[code]
        headers: dict[str, str] = {}
        if code == "invalid_client":
            # §5.2: 401 with WWW-Authenticate when the client used the Authorization
            # header; "MAY" 400 otherwise.
            status = draw(st.sampled_from((401, 400)))
            if status == 401:
                headers["WWW-Authenticate"] = 'Basic realm="provider", charset="UTF-8"'
        if status >= 500 and draw(st.booleans()):
            headers["Retry-After"] = str(draw(st.integers(0, 120)))  # RFC 9110 §10.2.3
        error = OAuthError(code, description, status=status, headers=headers, error_uri=uri)
        return _rendered(error, code, where="token")

    return build()


def _resource_error(codes: list[str], *, bare: bool) -> SearchStrategy[ErrorAnswer]:
    @st.composite
    def build(draw: st.DrawFn) -> ErrorAnswer:
        # §3.1: "If the request lacks any authentication information ... the resource
        # server SHOULD NOT include an error code".
        code: str | None = draw(st.sampled_from(codes))
        if bare and draw(st.booleans()):
            code = None
        status = RESOURCE_ERRORS[code] if code is not None else 401
        description = draw(st.none() | _DESCRIPTION)
        scope = None
        if code == "insufficient_scope":
            scope = draw(st.none() | scope_sets(min_size=1, max_size=2).map(" ".join))
        error = BearerError(code, description, status=status, realm="api", scope=scope)
        return _rendered(error, code, where="resource")

    return build()


def _rendered(error: OAuthError, code: str | None, *, where: str) -> ErrorAnswer:
    """The answer a provider sends for ``error``, exactly as the provider renders it."""
    status, pairs, body = error.render()
    return ErrorAnswer(
        status, tuple(pairs), body, error=code, error_description=error.description, where=where
    )
