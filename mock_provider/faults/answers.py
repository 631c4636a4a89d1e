"""How a fault answers: synthesized errors and malformed bodies, added headers, drops.

Kept apart from :mod:`.fault` (what is queued and when it fires) because this is about the
bytes on the wire: RFC-shaped error bodies and challenges where the fault asks for an OAuth
error, and deliberately broken bodies where it asks for one.

Layering: imports ``protocol`` and ``faults.fault`` / ``faults.queue`` only.
"""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Callable
from http import HTTPStatus
from urllib.parse import parse_qsl, unquote_plus

from mock_provider.protocol.errors import BearerError, InvalidClientError, OAuthError
from mock_provider.protocol.http import Request, Response

from .fault import Fault
from .queue import FaultQueue, FaultResponse

__all__ = [
    "CLIENT_AUTH",
    "apply_fault",
    "fault_answer",
    "presented_client_id",
    "recorded_error",
]


# Endpoints that authenticate clients (RFC 6749 §2.3) rather than bearer tokens (RFC 6750).
CLIENT_AUTH = frozenset(
    {
        "token",
        "revoke",
        "introspect",
        "metadata",
        "jwks",
        "openid_configuration",
        "resource_metadata",
        "authorize",
    }
)


def _default_error(endpoint: str, status: int) -> str:
    if status == 401:
        return "invalid_client" if endpoint in CLIENT_AUTH else "invalid_token"
    if status == 403:
        return "access_denied" if endpoint in CLIENT_AUTH else "insufficient_scope"
    if status == 500:
        return "server_error"
    return "temporarily_unavailable" if status >= 429 else "invalid_request"


_ERROR_STATUS = {
    "invalid_client": 401,
    "invalid_token": 401,
    "insufficient_scope": 403,
    "server_error": 500,
    "temporarily_unavailable": 503,
}

_HTML = (
    "<!DOCTYPE html>\n<html><head><title>{status} {reason}</title></head>\n"
    "<body><h1>{status} {reason}</h1><p>The upstream gateway answered with an error page."
    "</p></body></html>\n"
)
_TRUNCATED = b'{"access_token":"mock-truncated-access-token","token_type":"Bearer","expi'


def fault_answer(fault: Fault, endpoint: str, *, realm: str) -> Response:
    """The response a fault gives instead of the endpoint's own (``replaces_answer``)."""
    described = fault.error_description or (
        f"the mock provider was scripted to fail this request (fault #{fault.id})"
    )
    if fault.malformed is not None:
        return _malformed(fault, endpoint, described)
    if fault.body is not None:
        status = fault.status or 200
        if isinstance(fault.body, dict):
            response = Response.json(status, fault.body)
        else:
            raw = fault.body.encode() if isinstance(fault.body, str) else fault.body
            response = Response(status, [("Content-Type", "text/plain; charset=utf-8")], raw)
        if fault.content_type is not None:
            response.headers = [(k, v) for k, v in response.headers if k != "Content-Type"]
            response.headers.insert(0, ("Content-Type", fault.content_type))
        return response
    status = fault.status or (
        _ERROR_STATUS.get(fault.error, 400) if fault.error else 429 if fault.retry_after else 200
    )
    if fault.error is None and status < 400:
        return Response(status, [("Cache-Control", "no-store")], b"")
    error = fault.error or _default_error(endpoint, status)
    oauth: OAuthError
    if endpoint not in CLIENT_AUTH and status in (401, 403):
        # RFC 6750 §3: a protected resource's 401 carries a WWW-Authenticate challenge.
        oauth = BearerError(error, described, status=status, realm=realm)
    elif error == "invalid_client" and status == 401:
        # RFC 6749 §5.2: 401 invalid_client "MUST include the WWW-Authenticate" header.
        oauth = InvalidClientError(described, realm=realm)
    else:
        oauth = OAuthError(error, described, status=status)
    rendered_status, headers, body = oauth.render()
    if fault.content_type is not None:
        headers = [(k, v) for k, v in headers if k != "Content-Type"]
        headers.insert(0, ("Content-Type", fault.content_type))
    return Response(rendered_status, headers, body)


def _malformed(fault: Fault, endpoint: str, described: str) -> Response:
    status = fault.status or 200
    content_type = fault.content_type or "application/json"
    if fault.malformed == "invalid_json":
        body = b"{'access_token': mock-not-json, token_type: Bearer,}"
    elif fault.malformed == "truncated_json":
        body = _TRUNCATED
    elif fault.malformed == "html":
        try:
            reason = HTTPStatus(status).phrase
        except ValueError:
            reason = "Error"
        body = _HTML.format(status=status, reason=reason).encode()
        content_type = fault.content_type or "text/html; charset=utf-8"
    elif fault.malformed == "empty":
        body = b""
    else:  # error_in_200: some gateways answer 200 with an OAuth error in the body
        error = fault.error or _default_error(endpoint, 400)
        body = json.dumps({"error": error, "error_description": described}).encode()
    return Response(status, [("Content-Type", content_type), ("Cache-Control", "no-store")], body)


def apply_fault(
    fault: Fault,
    response: Response | None,
    queue: FaultQueue,
    waker: threading.Event | None = None,
) -> FaultResponse:
    """Add the fault's headers, ``Retry-After``, delay and drop to ``response``.

    ``response`` is ``None`` for a dropped connection (nothing is answered); ``queue`` is the
    answering provider's fault queue, whose clearing cuts the delay short; ``waker`` is its
    :meth:`~FaultQueue.waker` taken before the fault fired.
    """
    if fault.drop or response is None:
        return FaultResponse(0, [], b"", delay=fault.delay, drop=True, queue=queue, waker=waker)
    extra = dict(fault.headers)
    if fault.retry_after is not None:
        # RFC 9110 §10.2.3: Retry-After = HTTP-date / delay-seconds.
        extra.setdefault("Retry-After", str(fault.retry_after))
    replaced = {name.lower() for name in extra}
    headers = [(k, v) for k, v in response.headers if k.lower() not in replaced]
    return FaultResponse(
        response.status,
        [*headers, *extra.items()],
        response.body,
        delay=fault.delay,
        queue=queue,
        waker=waker,
    )


def presented_client_id(
    request: Request, endpoint: str | None, client_of_token: Callable[[str], str | None]
) -> str | None:
    """The client a request claims to come from, without validating anything.

    Used to match client-scoped faults and quirks before (or instead of) the endpoint runs:
    the Basic user name, body ``client_id`` or client assertion ``iss`` at
    client-authenticating endpoints, the owner of the bearer token at protected resources.
    Never raises.
    """
    try:
        scheme, _, credentials = (request.headers.get("Authorization") or "").partition(" ")
        if endpoint not in CLIENT_AUTH and scheme.lower() == "bearer":
            return client_of_token(credentials.strip())
        if scheme.lower() == "basic":
            decoded = base64.b64decode(credentials.strip(), validate=True).decode("utf-8")
            return unquote_plus(decoded.partition(":")[0])
        content_type = (request.headers.get("Content-Type") or "").lower()
        if request.body and content_type.startswith("application/x-www-form-urlencoded"):
            form = dict(parse_qsl(request.body.decode("utf-8")))
            if "client_id" in form or "client_assertion" not in form:
                return form.get("client_id")
            # RFC 7523 §3: an assertion's iss is the client_id (unverified, as all here).
            payload = form["client_assertion"].split(".")[1]
            claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
            issuer = claims.get("iss") if isinstance(claims, dict) else None
            return issuer if isinstance(issuer, str) else None
    except (ValueError, UnicodeDecodeError, IndexError):
        return None
    return None


def recorded_error(response: Response) -> str | None:
    """The OAuth ``error`` code a fault's answer carries, for the request log."""
    try:
        payload = json.loads(response.body)
    except ValueError:
        return None
    error = payload.get("error") if isinstance(payload, dict) else None
    return error if isinstance(error, str) else None
