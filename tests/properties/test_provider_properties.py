"""Any request to any endpoint: the provider answers like an OAuth server, never like a crash.

Requests are built at the provider's own HTTP model (what every transport and the socket
server hand it), with any method, path, query, headers, body bytes and content type, mixed
with the well-formed pieces (a valid Basic header, an issued token) that get a request
deeper into each endpoint.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import re
from urllib.parse import quote, quote_plus, urlencode

from hypothesis import example, given
from hypothesis import strategies as st

from mock_provider import ManualClock, MockProvider
from mock_provider.protocol.http import Headers, Request, Response
from pytest_oauthcc.strategies import FaultPlan, fault_plans, scope_sets

SECRET = "s3cr:t %+/ é-fuzz-secret-value"
CLIENT = "fuzz client:1"
START = 1_800_000_000.0
# RFC 6749 §5.2: error and error_description are %x20-21 / %x23-5B / %x5D-7E.
ERROR_TEXT = re.compile(r"[\x20-\x21\x23-\x5b\x5d-\x7e]+")


def new_provider() -> MockProvider:
    provider = MockProvider(clock=ManualClock(START))
    provider.add_client(CLIENT, SECRET, scopes=["read", "write"])
    provider.add_client("other", "other-secret")
    return provider


# Stands for a token issued to CLIENT in each example (tokens are random per provider); only
# letters and digits, so it survives form- and URL-encoding unchanged.
TOKEN = "tokenplaceholder0"
ROUTES = sorted(new_provider().routes())
BASIC = "Basic " + base64.b64encode(f"{quote_plus(CLIENT)}:{quote_plus(SECRET)}".encode()).decode()

printable = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x2FF), max_size=30)
methods = st.sampled_from(("POST", "GET", "HEAD", "PUT", "DELETE", "OPTIONS", "PATCH")) | st.text(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=7
)
paths = st.one_of(
    st.sampled_from(ROUTES),
    st.sampled_from(("/", "/oauth", "/oauth/token/", "/_mock/state", "/api/me/x", "//")),
    st.text(min_size=1, max_size=30).map(lambda s: "/" + s),
)
authorizations = st.one_of(
    st.just(BASIC),
    st.just(f"Bearer {TOKEN}"),
    st.builds(lambda b: "Basic " + base64.b64encode(b).decode(), st.binary(max_size=40)),
    st.builds(lambda s: "Basic " + s, printable),
    st.builds(lambda s: "Bearer " + s, printable),
    printable,
)
content_types = st.one_of(
    st.sampled_from(
        (
            "application/x-www-form-urlencoded",
            "application/x-www-form-urlencoded; charset=UTF-8",
            "application/json",
            "text/plain",
            "multipart/form-data; boundary=x",
        )
    ),
    printable,
)
# Secrets and tokens go where clients send them (client_secret, token, access_token), which
# is where the recording must redact them; other names carry other values.
form_pairs = st.one_of(
    st.sampled_from(
        (
            ("grant_type", "client_credentials"),
            ("client_id", CLIENT),
            ("client_secret", SECRET),
            ("token", TOKEN),
            ("access_token", TOKEN),
            ("token_type_hint", "access_token"),
            ("resource", "https://api.test/"),
            ("audience", "https://api.test/"),
        )
    ),
    st.tuples(st.just("scope"), scope_sets(max_size=3).map(" ".join)),
    st.tuples(
        st.sampled_from(("grant_type", "scope", "client_id", "resource")) | st.text(max_size=8),
        st.text(max_size=20),
    ),
)
form_bodies = st.lists(form_pairs, max_size=6).map(lambda pairs: urlencode(pairs).encode())
bodies = st.one_of(
    form_bodies,
    st.binary(max_size=80),
    st.dictionaries(st.text(max_size=8), st.text(max_size=8), max_size=3).map(
        lambda d: json.dumps(d).encode()
    ),
)
header_lists = st.lists(
    st.one_of(
        st.tuples(st.just("Authorization"), authorizations),
        st.tuples(st.just("Content-Type"), content_types),
        st.tuples(st.sampled_from(("Accept", "X-Forwarded-For", "Content-Length")), printable),
        st.tuples(st.text("abcXYZ-", min_size=1, max_size=10), printable),
    ),
    max_size=5,
)
requests = st.builds(
    Request,
    method=methods,
    path=paths,
    query=st.one_of(
        st.just(""),
        st.lists(form_pairs, max_size=3).map(urlencode),
        st.text(max_size=20),
    ),
    headers=header_lists.map(Headers),
    body=bodies,
)


def with_token(request: Request, token: str) -> Request:
    """``request`` with the placeholder replaced by a real token."""
    return Request(
        request.method,
        request.path,
        request.query.replace(TOKEN, token),
        Headers([(k, v.replace(TOKEN, token)) for k, v in request.headers.items()]),
        request.body.replace(TOKEN.encode(), token.encode()),
    )


def assert_oauth_shaped(request: Request, response: Response) -> None:
    """What the provider promises for every answer it gives without a scripted fault."""
    assert response.status < 500, (response.status, response.body[:300])
    content_type = response.header("Content-Type") or ""
    assert "html" not in content_type.lower()
    assert b"Traceback" not in response.body
    assert b"<html" not in response.body.lower()
    if request.method == "HEAD":
        assert response.body == b""
        return
    if response.status == 405:
        assert response.header("Allow")
    if response.status < 400:
        return
    # RFC 6749 §5.2 / RFC 6750 §3: refusals are JSON objects with a well-formed error code;
    # the only exception is RFC 6750 §3.1's bare challenge (no credentials, no error code).
    assert content_type.split(";")[0] == "application/json"
    body = json.loads(response.body)
    assert isinstance(body, dict)
    if "error" in body:
        assert ERROR_TEXT.fullmatch(body["error"])
    else:
        assert response.status == 401
        assert (response.header("WWW-Authenticate") or "").startswith("Bearer ")
    if "error_description" in body:
        assert ERROR_TEXT.fullmatch(body["error_description"])
    if response.status == 401:
        # §5.2 invalid_client / RFC 6750 §3: a 401 names the scheme to authenticate with.
        assert response.header("WWW-Authenticate")


@given(requests)
@example(Request("POST", "/oauth/token", headers=Headers([("Authorization", BASIC)])))
@example(Request("GET", "/api/me", query="access_token=x&access_token=y"))
@example(Request("POST", "/\x1f"))  # regression: the 404 description echoed a control character
def test_any_request_gets_an_oauth_shaped_answer_never_a_crash(request: Request) -> None:
    provider = new_provider()
    token = provider.issue_token(CLIENT).value
    request = with_token(request, token)
    response = provider.handle(request)
    assert_oauth_shaped(request, response)
    recorded = repr(provider.requests) + json.dumps(
        [dataclasses.asdict(r) for r in provider.requests], default=str
    )
    assert SECRET not in recorded
    assert quote_plus(SECRET) not in recorded
    assert token not in recorded


@given(st.lists(requests, min_size=1, max_size=6))
def test_every_active_token_stays_active_whatever_else_is_asked(batch: list[Request]) -> None:
    provider = new_provider()
    issued = provider.issue_token(CLIENT)
    for request in batch:
        provider.handle(with_token(request, issued.value))
    # Only the owner may revoke (RFC 7009 §2.1), and these requests revoke only TOKEN.
    record = provider.find_token(issued.value)
    assert record is not None
    assert provider.active_token(issued.value) is (None if record.revoked else record)
    introspected = provider.handle(
        Request(
            "POST",
            "/oauth/introspect",
            headers=Headers(
                [("Authorization", BASIC), ("Content-Type", "application/x-www-form-urlencoded")]
            ),
            body=urlencode({"token": issued.value}).encode(),
        )
    )
    assert json.loads(introspected.body)["active"] is not record.revoked


@given(requests)
def test_the_wsgi_app_answers_like_the_in_process_provider(request: Request) -> None:
    from werkzeug.test import Client

    provider = new_provider()
    request = with_token(request, provider.issue_token(CLIENT).value)
    # What a WSGI server can carry: a header-safe method, Latin-1 header values.
    method = request.method if request.method.isalpha() else "POST"
    headers = [
        (k, v)
        for k, v in request.headers.items()
        if k.lower() != "content-length" and v.isprintable() and v.isascii()
    ]
    answer = Client(provider.wsgi_app()).open(
        quote(request.path, safe="/"),  # on the wire, a path is percent-encoded
        method=method,
        headers=headers,
        data=request.body,
        query_string=request.query,
    )
    response = Response(answer.status_code, list(answer.headers.items()), answer.get_data())
    assert_oauth_shaped(Request(method, request.path), response)


@given(fault_plans(behaviours=["status", "oauth_error", "malformed", "drop", "delay"]))
def test_faults_fire_in_order_and_a_5xx_is_only_ever_one_a_fault_asked_for(plan: FaultPlan) -> None:
    provider = new_provider()
    plan.apply(provider)
    token_request = Request(
        "POST",
        "/oauth/token",
        headers=Headers(
            [("Authorization", BASIC), ("Content-Type", "application/x-www-form-urlencoded")]
        ),
        body=b"grant_type=client_credentials",
    )
    for answer in [*plan.answers, None]:
        response = provider.handle(token_request)
        recorded = provider.requests[-1]
        if answer is None:  # the queue is empty: the endpoint answers for itself
            assert recorded.fault is None
            assert response.status == 200
            continue
        assert recorded.fault is not None
        asked = answer.options
        if response.status >= 500:
            assert asked.get("status", 0) >= 500 or asked.get("error") in (
                "server_error",
                "temporarily_unavailable",
            )
        if answer.outcome == "ok":
            assert response.status == 200
            assert "access_token" in json.loads(response.body)
        elif asked.get("drop"):
            assert getattr(response, "drop", False)
    assert provider.faults.pending == []
