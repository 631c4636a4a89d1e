"""A stateful model of the provider: issue, revoke, expire, advance, introspect, call "me".

The model is a dict of tokens with their owner, expiry and revocation; every step goes
through HTTP requests (the provider's ``handle``) and the model and provider must agree
after each one: RFC 7662 introspection and the RFC 6750 "me" API see exactly the tokens the
model says are active, and nothing else.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from urllib.parse import quote_plus, urlencode

from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
)

from mock_provider import ManualClock, MockProvider
from mock_provider.protocol.http import Headers, Request, Response

START = 1_800_000_000.0
LIFETIME = 3600
CLIENTS = {"alpha": "alpha secret:1", "beta": "beta/secret%2"}
FORM = ("Content-Type", "application/x-www-form-urlencoded")


@dataclass
class ModelToken:
    value: str
    client_id: str
    expires_at: float
    revoked: bool = False

    def active(self, now: float) -> bool:
        # RFC 7662 §2.2 / RFC 6750 §3.1: dead once revoked or at its expiry second.
        return not self.revoked and now < self.expires_at


def basic(client_id: str) -> tuple[str, str]:
    pair = f"{quote_plus(client_id)}:{quote_plus(CLIENTS[client_id])}"
    return ("Authorization", "Basic " + base64.b64encode(pair.encode()).decode())


class ProviderMachine(RuleBasedStateMachine):
    tokens = Bundle("tokens")

    def __init__(self) -> None:
        super().__init__()
        self.clock = ManualClock(START)
        self.provider = MockProvider(clock=self.clock, expires_in=LIFETIME)
        for client_id, secret in CLIENTS.items():
            self.provider.add_client(client_id, secret, scopes=["read"])
        self.model: dict[str, ModelToken] = {}

    def post(self, path: str, client_id: str, form: dict[str, str]) -> Response:
        headers = Headers([basic(client_id), FORM])
        return self.provider.handle(
            Request("POST", path, headers=headers, body=urlencode(form).encode())
        )

    def me(self, value: str) -> Response:
        headers = Headers([("Authorization", f"Bearer {value}")])
        return self.provider.handle(Request("GET", "/api/me", headers=headers))

    @rule(target=tokens, client_id=st.sampled_from(sorted(CLIENTS)))
    def issue(self, client_id: str) -> str:
        response = self.post("/oauth/token", client_id, {"grant_type": "client_credentials"})
        assert response.status == 200
        body = json.loads(response.body)
        # RFC 6749 §5.1: expires_in is the lifetime from now.
        assert body["expires_in"] == LIFETIME
        assert body["access_token"] not in self.model  # tokens are unique
        now = self.clock.time()
        self.model[body["access_token"]] = ModelToken(
            body["access_token"], client_id, now + LIFETIME
        )
        return str(body["access_token"])

    @rule(value=tokens)
    def revoke_by_owner(self, value: str) -> None:
        token = self.model[value]
        response = self.post("/oauth/revoke", token.client_id, {"token": value})
        # RFC 7009 §2.2: 200 whether or not the token was still valid.
        assert response.status == 200
        if token.active(self.clock.time()):
            token.revoked = True

    @rule(value=tokens)
    def revoke_by_another_client(self, value: str) -> None:
        other = next(c for c in CLIENTS if c != self.model[value].client_id)
        response = self.post("/oauth/revoke", other, {"token": value})
        # RFC 7009 §2.1: a token of another client is refused and stays as it was.
        assert response.status == 400
        assert json.loads(response.body)["error"] == "unauthorized_client"

    @rule(value=tokens)
    def expire_early(self, value: str) -> None:
        self.provider.expire(value)
        token = self.model[value]
        token.expires_at = min(token.expires_at, self.clock.time())

    @rule(seconds=st.sampled_from((1, 59, LIFETIME - 1, LIFETIME)) | st.integers(0, 2 * LIFETIME))
    def advance(self, seconds: int) -> None:
        self.clock.advance(seconds)

    @rule(value=tokens, client_id=st.sampled_from(sorted(CLIENTS)))
    def introspect(self, value: str, client_id: str) -> None:
        response = self.post("/oauth/introspect", client_id, {"token": value})
        assert response.status == 200
        body = json.loads(response.body)
        token = self.model[value]
        if token.active(self.clock.time()):
            assert body["active"] is True
            assert body["client_id"] == token.client_id
            assert body["exp"] == int(token.expires_at)
        else:
            # RFC 7662 §2.2: an inactive token gets {"active": false} and nothing else.
            assert body == {"active": False}

    @rule(value=tokens)
    def call_me(self, value: str) -> None:
        response = self.me(value)
        token = self.model[value]
        if token.active(self.clock.time()):
            assert response.status == 200
            assert json.loads(response.body)["client_id"] == token.client_id
        else:
            assert response.status == 401
            challenge = response.header("WWW-Authenticate") or ""
            assert 'error="invalid_token"' in challenge

    @precondition(lambda self: bool(self.model))
    @invariant()
    def provider_agrees_with_the_model(self) -> None:
        now = self.clock.time()
        for value, token in self.model.items():
            record = self.provider.active_token(value)
            assert (record is not None) == token.active(now), (token, now)


TestProviderState = ProviderMachine.TestCase
