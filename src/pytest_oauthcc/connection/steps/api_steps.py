"""API-side steps: the Test API, the label, the unique id, request defaults, allowed
domains and revocation (which runs last, because it kills the token).

Layering: imports ``config/``, ``rules/``, the results, the reference client and what
:mod:`mock_provider` exports; never the plugin.
"""

from __future__ import annotations

from typing import Any

import httpx

from mock_provider.protocol import fingerprint
from pytest_oauthcc.client import ClientCredentials
from pytest_oauthcc.connection.config.placeholders import (
    Placeholder,
    PlaceholderError,
    find_placeholders,
    lookup,
    render,
)
from pytest_oauthcc.connection.results import StepResult
from pytest_oauthcc.connection.rules.credential_text import (
    credential_value_kind,
    names_a_credential,
)
from pytest_oauthcc.errors import OAuthccError

from .guard import DomainRefused
from .session import Session

__all__ = [
    "MAX_LABEL",
    "call_test",
    "check_allowed_domains",
    "check_label",
    "check_request_defaults",
    "check_revoke",
    "check_test",
    "check_unique_id",
]

_OUTSIDE_HOST = "outside-allowed-domains.invalid"
MAX_LABEL = 512


def call_test(session: Session, http: httpx.Client) -> tuple[httpx.Response, Any]:
    """Call the Test API; return the response and its JSON body (``None`` if not JSON)."""
    response = http.request(session.config.test.method, session.urls["test"])
    try:
        body = response.json() if response.content else None
    except ValueError:
        body = None
    return response, body


def check_test(session: Session, http: httpx.Client) -> StepResult:
    """Step 5: the Test API answers as expected with the token and refuses without it."""
    start = len(session.guard.entries)
    spec = session.config.test
    try:
        response, body = call_test(session, http)
    except (DomainRefused, httpx.HTTPError) as exc:
        return session.failed("test", str(exc), start)
    if response.status_code not in spec.status:
        expected = ", ".join(map(str, spec.status))
        return session.failed(
            "test",
            f"{spec.method} {session.urls['test']} answered "
            f"{response.status_code}, expected {expected}",
            start,
        )
    for path in spec.body_has:
        try:
            lookup({"test": body}, Placeholder(path, "test", tuple(path.split("."))))
        except PlaceholderError:
            return session.failed("test", f"the answer has no {path!r} (expect.body_has)", start)
    session.test_body = body
    with session.http() as anonymous:
        bare = anonymous.request(spec.method, session.urls["test"])
    if bare.status_code not in (401, 403):
        return session.failed(
            "test",
            f"without a token the Test API answered "
            f"{bare.status_code}, not 401: it cannot confirm the token works",
            start,
        )
    return StepResult(
        "test",
        "pass",
        f"{spec.method} {session.urls['test']} -> "
        f"{response.status_code} with the token, {bare.status_code} without",
    )


def _names(session: Session) -> dict[str, Any]:
    return {**session.context, "test": session.test_body, "token": session.token_answer}


def check_label(session: Session, test: StepResult) -> StepResult:
    """Step 6: the label renders, non-empty and at most 512 characters."""
    if test.status in ("fail", "skip") and "{{ test." in session.config.label.replace(
        "{{test.", "{{ test."
    ):
        return StepResult("label", "skip", "skipped: the label uses the Test API answer")
    try:
        label = render(session.config.label, _names(session)).strip()
    except PlaceholderError as exc:
        return StepResult("label", "fail", str(exc))
    if not label:
        return StepResult("label", "fail", "the label renders empty")
    if len(label) > MAX_LABEL:
        return StepResult(
            "label", "fail", f"the label is {len(label)} characters; keep it to {MAX_LABEL}"
        )
    return StepResult("label", "pass", f"renders {label!r}")


def check_unique_id(
    session: Session, cc: ClientCredentials, http: httpx.Client, results: dict[str, StepResult]
) -> StepResult:
    """Step 8: the id is a non-empty scalar, the same across two token issuances."""
    if results["test"].status in ("fail", "skip"):
        why = "failed" if results["test"].status == "fail" else "was not sent"
        return StepResult("unique_id", "skip", f"skipped: the test step {why}")
    try:
        first = render(session.config.unique_id, _names(session)).strip()
    except PlaceholderError as exc:
        return StepResult("unique_id", "fail", str(exc))
    if not first:
        return StepResult("unique_id", "fail", "the unique id renders empty")
    start = len(session.guard.entries)
    before = session.current_token(cc)
    if session.mock is not None:
        # A second issuance at a later time, so an id derived from the token (iat, exp,
        # jti) shows up as unstable.
        session.mock.clock.advance(1)
    cc.invalidate()
    response, body = call_test(session, http)
    if not session.since(start, "token"):
        return session.failed(
            "unique_id", "invalidate() did not lead to a second token request", start
        )
    if response.status_code not in session.config.test.status:
        return session.failed(
            "unique_id", f"with a second token the Test API answered {response.status_code}", start
        )
    session.test_body = body
    try:
        second = render(session.config.unique_id, _names(session)).strip()
    except PlaceholderError as exc:
        return session.failed("unique_id", f"after a second token request: {exc}", start)
    if second != first:
        return session.failed(
            "unique_id",
            f"changed between two tokens: {first!r} then "
            f"{second!r}; use an id of the account, not of the token",
            start,
        )
    if session.current_token(cc) != before:
        return StepResult("unique_id", "pass", f"{first!r}, the same across two tokens")
    # A sticky provider hands back its still-valid token to a second request (many do):
    # the id was stable across two token requests, but an id taken from the token answer
    # cannot be told apart from an id of the token itself.
    sticky = "the provider handed back the same still-valid token (a sticky provider)"
    if "token" in {p.namespace for p in find_placeholders(session.config.unique_id)}:
        return StepResult(
            "unique_id",
            "warn",
            f"{first!r} both times, but {sticky}, so an id from the token answer is not "
            "proven stable; prefer an id from the Test API",
        )
    return StepResult(
        "unique_id", "pass", f"{first!r}, the same across two token requests; {sticky}"
    )


def check_request_defaults(session: Session) -> StepResult:
    """Step 9: defaults on every API call, never on a token or revocation request."""
    defaults = session.config.request_defaults
    if not defaults.query and not defaults.headers:
        return StepResult("request_defaults", "skip", "none configured")
    watched = session.guard.defaults
    api = [e for e in session.guard.entries if e.endpoint == "test"]
    if not api:
        return StepResult(
            "request_defaults", "skip", "skipped: no API call went out (the test step failed)"
        )
    for exchange in api:
        missing = [
            _shown(kind, name, value)
            for kind in ("query", "headers")
            for name, value in watched[kind].items()
            if not exchange.defaults.get(f"{kind}:{name}")
        ]
        if missing:
            return session.failed(
                "request_defaults",
                f"{exchange.method} {exchange.url} lacks {', '.join(missing)}",
                0,
            )
    for exchange in session.guard.entries:
        if exchange.endpoint not in ("token", "refresh", "revoke"):
            continue
        leaked = [k for k in watched["query"] if k in exchange.query or k in exchange.form]
        leaked += [
            k
            for k in watched["headers"]
            if k not in _GENERIC_HEADERS and exchange.defaults.get(f"headers:{k}")
        ]
        if leaked:
            return session.failed(
                "request_defaults",
                f"the {exchange.endpoint} request "
                f"carried {', '.join(leaked)}; defaults are for API calls only",
                0,
            )
    return StepResult(
        "request_defaults",
        "pass",
        f"{', '.join([*defaults.query, *defaults.headers])} "
        f"on all {len(api)} API call(s), on no token request",
    )


def _shown(kind: str, name: str, value: str) -> str:
    """``name=value`` / ``name: value``, the value hidden when it may be a credential."""
    if names_a_credential(name) or credential_value_kind(value) is not None:
        value = "<redacted>"
    return f"{name}={value}" if kind == "query" else f"{name}: {value}"


# Headers any HTTP client may send on its own; seeing them on a token request is not a leak.
_GENERIC_HEADERS = frozenset(
    {"accept", "accept-encoding", "user-agent", "content-type", "accept-language"}
)


def check_allowed_domains(session: Session, http: httpx.Client) -> StepResult:
    """Step 7: a request to a host outside ``allowed_domains`` is refused before sending."""
    before = len(session.mock.provider.requests) if session.mock is not None else 0
    try:
        http.get(f"https://{_OUTSIDE_HOST}/")
    except DomainRefused:
        pass
    else:
        return StepResult(
            "allowed_domains", "fail", f"a request to {_OUTSIDE_HOST} was sent; it must be refused"
        )
    if session.mock is not None and len(session.mock.provider.requests) != before:
        return StepResult(
            "allowed_domains", "fail", "the refused request still reached the provider"
        )
    hosts = sorted({httpx.URL(u).host for u in session.urls.values()})
    return StepResult(
        "allowed_domains",
        "pass",
        f"calls only {', '.join(hosts)}; other hosts refused before sending",
    )


def check_revoke(session: Session, cc: ClientCredentials, http: httpx.Client) -> StepResult:
    """Step 4: revocation of the check's own token, after which the Test API refuses it."""
    if "revoke" not in session.urls:
        return StepResult(
            "revoke", "skip", "not configured (recommended when users may disconnect)"
        )
    start = len(session.guard.entries)
    token = session.fetch(cc, http)  # the cached one: the token this check obtained
    try:
        cc.revoke(http)
    except OAuthccError as exc:
        return session.failed("revoke", str(exc), start)
    sent = session.since(start, "revoke")
    if len(sent) != 1 or sent[0].form.get("token") != fingerprint(token):
        return session.failed(
            "revoke", "the revocation request did not carry the token this check obtained", start
        )
    if sent[0].status != 200:  # RFC 7009 §2.2
        return session.failed(
            "revoke",
            f"the revocation endpoint answered {sent[0].status}, expected 200 (RFC 7009 §2.2)",
            start,
        )
    with session.http() as plain:
        after = plain.request(
            session.config.test.method,
            session.urls["test"],
            **session.carrying(token),
        )
    if after.status_code != 401:
        return session.failed(
            "revoke",
            f"after revocation the Test API answered {after.status_code}, expected 401",
            start,
        )
    return StepResult(
        "revoke", "pass", f"revoked {fingerprint(token)}; the Test API then answered 401"
    )
