"""Token-side steps: the token request's shape, renewal before expiry, a wrong secret,
and refresh (only when configured).

Layering: imports ``config/``, ``rules/``, the results, the reference client and what
:mod:`mock_provider` exports; never the plugin.
"""

from __future__ import annotations

from collections.abc import Mapping

import httpx

from mock_provider.protocol import is_loopback
from pytest_oauthcc.client import ClientCredentials
from pytest_oauthcc.client.assertion import CLIENT_ASSERTION_TYPE
from pytest_oauthcc.connection.results import StepResult
from pytest_oauthcc.errors import OAuthccError

from .guard import DomainRefused, TranscriptEntry
from .mock import lookup_path
from .session import Session

__all__ = ["check_refresh", "check_renewal", "check_token", "check_wrong_secret"]


def shape_problem(session: Session, sent: TranscriptEntry) -> str | None:
    """What is wrong with a token request's shape, or ``None``."""
    token = session.config.token
    form = sent.form
    if form.get("grant_type") != "client_credentials":  # RFC 6749 §4.4.2
        return f"grant_type was {form.get('grant_type')!r}, expected client_credentials"
    basic = sent.headers.get("authorization", "").lower().startswith("basic ")
    problem = _auth_problem(token.auth_method, token.client_auth, basic, form)
    if problem is not None:
        return problem
    wanted = " ".join(token.scopes)
    if token.scopes and form.get("scope") != wanted:
        return f"scope was {form.get('scope')!r}, expected {wanted!r}"
    if not token.scopes and "scope" in form:
        return f"scope {form['scope']!r} was sent but none is configured"  # RFC 6749 §3.3
    for name, value in session.extra_params.items():
        if form.get(name) != value:
            return f"{name} was {form.get(name)!r}, expected {value!r}"
    # RFC 6749 §3.2: the token endpoint "MUST" be reached over TLS (loopback excepted here).
    url = httpx.URL(sent.url)
    if url.scheme != "https" and not is_loopback(url.host):
        return f"the token request went to {sent.url}, not over HTTPS"
    return None


def _auth_problem(method: str, name: str, basic: bool, form: Mapping[str, str]) -> str | None:
    """What is wrong with how a token request authenticated the client, or ``None``."""
    # RFC 6749 §2.3: "MUST NOT use more than one authentication method in each request".
    if method == "client_secret_basic":
        if not basic:
            return f"client_auth is {name} but the request had no HTTP Basic credentials"
        duplicated = [k for k in ("client_id", "client_secret", "client_assertion") if k in form]
        if duplicated:
            return f"HTTP Basic plus {', '.join(duplicated)} in the body: duplicated credentials"
        return None
    if basic:
        return f"client_auth is {name} but the request also sent HTTP Basic credentials"
    if method == "client_secret_post":
        if "client_id" not in form or "client_secret" not in form:
            return f"client_auth is {name} but client_id/client_secret were not in the body"
        if "client_assertion" in form:
            return "client_secret plus client_assertion in the body: duplicated credentials"
        return None
    # RFC 7523 §2.2: the assertion and its type, and no secret next to them.
    if form.get("client_assertion_type") != CLIENT_ASSERTION_TYPE or not form.get(
        "client_assertion"
    ):
        return f"client_auth is {name} but the body had no RFC 7523 client_assertion"
    if "client_secret" in form:
        return "client_secret plus client_assertion in the body: duplicated credentials"
    return None


def answered_lifetime(session: Session) -> float | None:
    """The lifetime the token answer stated where the config says it is, in seconds."""
    path = session.config.token.expires_in_path
    value = lookup_path(session.token_answer, path) if path is not None else None
    try:
        seconds = float(value) if value is not None and not isinstance(value, bool) else None
    except ValueError:
        return None
    return None if seconds is None or seconds <= 0 else seconds


def check_token(session: Session, cc: ClientCredentials, http: httpx.Client) -> StepResult:
    """Step 2: one token request of exactly the declared shape, and a token back."""
    start = len(session.guard.entries)
    try:
        session.fetch(cc, http)
    except (OAuthccError, httpx.HTTPError) as exc:
        return session.failed("token", f"no token: {exc}", start)
    sent = session.since(start, "token")
    if len(sent) != 1:
        return session.failed("token", f"{len(sent)} token requests for one token", start)
    problem = shape_problem(session, sent[0])
    if problem is not None:
        return session.failed("token", problem, start)
    if session.mock is not None:
        seen = session.mock.provider.token_requests[-1]
        if seen.auth_method != session.config.token.auth_method or seen.status != 200:
            return session.failed("token", f"the provider saw {seen}", start)
    session.token_answer = sent[0].answer
    path = session.config.token.expires_in_path
    lifetime = answered_lifetime(session)
    note = (
        f"{path} {lifetime:g}s"
        if lifetime is not None
        else f"no {path or 'expires_in'}, assuming {session.config.token.default_expires_in}s"
    )
    return StepResult(
        "token",
        "pass",
        f"POST {session.urls['token']} ({session.config.token.auth_method}) -> 200, {note}",
    )


def check_renewal(session: Session, cc: ClientCredentials, http: httpx.Client) -> StepResult | None:
    """Renewal before expiry (mock only: the clock is advanced, never slept through)."""
    if session.mock is None:
        return None
    from .api_steps import call_test

    token = session.config.token
    lifetime = int(answered_lifetime(session) or token.default_expires_in)
    # The reference client renews at most half a lifetime early, whatever renew_before says.
    early = min(token.renew_before, lifetime // 2)
    start = len(session.guard.entries)
    first = session.current_token(cc)
    issued = session.mock.clock.time()
    session.mock.clock.advance(max(0, lifetime - early - 1))
    call_test(session, http)
    if session.since(start, "token"):
        return session.failed(
            "token",
            f"renewed {early + 1}s before expiry, outside renew_before={early}: "
            "the cached token was not reused",
            start,
        )
    # To the renewal point itself: one second further is already past expiry when
    # renew_before is 0 or 1, which would fail a config that renews on time.
    session.mock.clock.advance(1)
    response, _ = call_test(session, http)
    renewed = session.since(start, "token")
    if not renewed or session.current_token(cc) == first:
        return session.failed(
            "token",
            f"no renewal {early}s before expiry (renew_before={early})",
            start,
        )
    if first is not None and session.mock.clock.time() > issued + lifetime:
        return session.failed("token", "renewed only after expiry", start)
    if response.status_code not in session.config.test.status:
        return session.failed(
            "token", f"after renewal the Test API answered {response.status_code}", start
        )
    return None


def check_wrong_secret(session: Session) -> StepResult | None:
    """A wrong secret (or, for ``private_key_jwt``, a key the provider does not know) fails
    at the token step with the provider's error (mock only)."""
    if session.mock is None:
        return None  # live: a wrong secret could lock the real account
    start = len(session.guard.entries)
    if session.config.token.auth_method == "private_key_jwt":
        from pytest_oauthcc.connection.config.keys import invent_private_key

        wrong = "an unregistered private key"
        bad = session.client(private_key=invent_private_key(session.config.token.assertion_alg))
    else:
        wrong = "a wrong secret"
        bad = session.client(secret=f"{session.client_secret}-wrong")
    with session.http(bad) as http:
        try:
            session.fetch(bad, http)
        except OAuthccError as exc:
            if "invalid_client" not in str(exc):
                return session.failed(
                    "token",
                    f"{wrong} failed without the provider's error: {exc}",
                    start,
                )
            return None
    accepted = "a wrong client secret" if wrong == "a wrong secret" else wrong
    return session.failed("token", f"{accepted} was accepted", start)


def check_refresh(session: Session) -> StepResult:
    """Step 3: only when configured; the refresh call yields a working token."""
    spec = session.config.refresh
    if spec is None:
        return StepResult(
            "refresh",
            "skip",
            "not configured (client credentials needs no refresh token: RFC 6749 §4.4.3)",
        )
    if spec.grant_type == "refresh_token":
        return _refresh_with_token(session)
    from .api_steps import call_test

    start = len(session.guard.entries)
    cc = session.client(token_url=session.urls["refresh"])
    with session.http(cc) as http:
        try:
            session.fetch(cc, http)
            response, _ = call_test(session, http)
        except (OAuthccError, httpx.HTTPError, DomainRefused) as exc:
            return session.failed("refresh", f"refresh failed: {exc}", start)
    if not session.since(start, "refresh") and not session.since(start, "token"):
        return session.failed("refresh", "no request reached the refresh URL", start)
    if response.status_code not in session.config.test.status:
        return session.failed(
            "refresh",
            f"the refreshed token got {response.status_code} from the Test API",
            start,
        )
    return StepResult("refresh", "pass", f"POST {session.urls['refresh']} -> a working token")


def _refresh_with_token(session: Session) -> StepResult:
    """``grant_type=refresh_token`` (RFC 6749 §6) with the check's own refresh token (the mock
    issues them when the config declares this grant)."""
    from urllib.parse import quote_plus

    from pytest_oauthcc.connection.config.placeholders import Placeholder, PlaceholderError, lookup

    refresh_token = session.guard.refresh_token
    if refresh_token is None:
        return StepResult(
            "refresh",
            "fail",
            "the token answer had no refresh_token; remove the refresh step (RFC 6749 §4.4.3)",
        )
    start = len(session.guard.entries)
    form = {"grant_type": "refresh_token", "refresh_token": refresh_token}
    auth: httpx.Auth | None = None
    method = session.config.token.auth_method
    if method == "client_secret_basic":
        assert session.client_secret is not None
        # RFC 6749 §2.3.1: id and secret are form-urlencoded before Basic encoding.
        auth = httpx.BasicAuth(quote_plus(session.client_id), quote_plus(session.client_secret))
    elif method == "client_secret_post":
        assert session.client_secret is not None
        form.update(client_id=session.client_id, client_secret=session.client_secret)
    else:
        # RFC 7523 §2.2: a fresh assertion, as the reference client signs for any request.
        from pytest_oauthcc.client.token_request import client_auth

        form.update(client_auth(session.client().settings).pairs)
    path = session.config.token.access_token_path
    with httpx.Client(transport=session.guard, timeout=30.0) as http:
        try:
            answer = http.post(
                session.urls["refresh"], data=form, auth=auth or httpx.USE_CLIENT_DEFAULT
            )
            if answer.status_code != 200:
                return session.failed(
                    "refresh", f"the refresh URL answered {answer.status_code}", start
                )
            body = answer.json()
            token = lookup({"t": body}, Placeholder(path, "t", tuple(path.split("."))))
            if not isinstance(token, str) or not token:
                raise PlaceholderError(path)
            test = http.request(
                session.config.test.method,
                session.urls["test"],
                **session.carrying(token),
            )
        except (httpx.HTTPError, DomainRefused, ValueError) as exc:
            return session.failed("refresh", f"refresh failed: {exc}", start)
    if test.status_code not in session.config.test.status:
        return session.failed(
            "refresh",
            f"the refreshed token got {test.status_code} from the Test API",
            start,
        )
    return StepResult("refresh", "pass", f"POST {session.urls['refresh']} -> a working token")
