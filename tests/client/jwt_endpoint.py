"""A token and revocation endpoint, as an ``httpx.MockTransport`` handler, that verifies client
assertions with the provider's own RFC 7523 verifier and spends each jti once.

It stands in for the provider's endpoints in the client's JWT tests: what it accepts is what
``mock_provider.protocol.rfc7523.verify_client_assertion`` accepts.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs

import httpx

from mock_provider import ManualClock
from mock_provider.protocol.rfc7523 import (
    AssertionRejected,
    VerifiedAssertion,
    verify_client_assertion,
)
from mock_provider.state.jti import JtiStore
from tests.assertions import BOTH_METHODS, CLIENT_ID, ISSUER, SECRET, TOKEN_URL, keys_of

REVOKE_URL = ISSUER + "/oauth/revoke"
START = 1_800_000_000.0


class JwtEndpoint:
    """Verifies every request's assertion; answers tokens ``tok-1``, ``tok-2``, ..."""

    def __init__(
        self, *public_jwks: dict[str, Any], secret: str | None = SECRET, start: float = START
    ) -> None:
        self.clock = ManualClock(start)
        self.secret = secret
        self.keys = keys_of(*public_jwks) if public_jwks else ()
        self.replay = JtiStore(self.clock.time)
        self.forms: list[dict[str, str]] = []
        self.requests: list[httpx.Request] = []
        self.verified: list[VerifiedAssertion] = []
        self.claims: list[dict[str, Any]] = []
        self.failures: list[int] = []  # statuses to answer first, once each
        self.echo = False  # echo the assertion in error_description (a leaky provider)
        self.revoked: set[str] = set()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        form = {k: v[0] for k, v in parse_qs(request.content.decode()).items()}
        self.requests.append(request)
        self.forms.append(form)
        if self.failures:
            return httpx.Response(self.failures.pop(0), json={"error": "temporarily_unavailable"})
        try:
            verified = verify_client_assertion(
                form.get("client_assertion"),
                form.get("client_assertion_type"),
                client_id=form.get("client_id"),
                secret=self.secret,
                keys=self.keys,
                auth_methods=BOTH_METHODS,
                audiences=(TOKEN_URL, ISSUER),
                now=self.clock.time(),
                replay=self.replay,
            )
        except AssertionRejected as exc:
            description = str(exc) + (f" in {form.get('client_assertion')}" if self.echo else "")
            return httpx.Response(
                401, json={"error": "invalid_client", "error_description": description}
            )
        self.verified.append(verified)
        self.claims.append(_claims(form["client_assertion"]))
        if request.url.path.endswith("/revoke"):
            self.revoked.add(form.get("token", ""))
            return httpx.Response(200)
        body = {"access_token": f"tok-{len(self.verified)}", "token_type": "Bearer"}
        return httpx.Response(200, json={**body, "expires_in": 3600})


def _claims(assertion: str) -> dict[str, Any]:
    import base64

    payload = assertion.split(".")[1]
    claims: dict[str, Any] = json.loads(
        base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    )
    return claims


__all__ = ["CLIENT_ID", "REVOKE_URL", "START", "TOKEN_URL", "JwtEndpoint"]
