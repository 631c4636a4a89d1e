"""The httpx hook answers a routed request exactly as ``answer()`` (the in-process
transports' path) does: same status, header fields and body, same scripted outcomes."""

from __future__ import annotations

import base64
from typing import Any

import httpx
import pytest

from mock_provider import MockProvider, register_in_process
from mock_provider.transport.httpx_family import answer

FORM = {"grant_type": "client_credentials"}
AUTH = ("demo", "demo-secret")


def _shape(response: httpx.Response) -> tuple[Any, ...]:
    headers = [(k, v) for k, v in response.headers.multi_items()]
    return response.status_code, headers, response.content


def _through_hook(provider: MockProvider, method: str, path: str, **kwargs: Any) -> Any:
    undo = register_in_process(provider.url, provider)
    try:
        with httpx.Client() as client:
            return _shape(client.request(method, provider.url + path, **kwargs))
    except httpx.HTTPError as exc:
        return type(exc), str(exc)
    finally:
        provider.clear_faults()
        undo()


def _through_answer(provider: MockProvider, method: str, path: str, **kwargs: Any) -> Any:
    timeout = kwargs.pop("timeout", None)
    auth = kwargs.pop("auth", None)
    if auth is not None:  # what the client's BasicAuth adds
        basic = base64.b64encode(":".join(auth).encode()).decode()
        kwargs["headers"] = {"Authorization": f"Basic {basic}"}
    with httpx.Client(timeout=timeout) as client:
        request = client.build_request(method, provider.url + path, **kwargs)
    if timeout is not None:
        request.extensions["timeout"] = httpx.Timeout(timeout).as_dict()
    try:
        return _shape(answer(httpx, provider, request))
    except httpx.HTTPError as exc:
        return type(exc), str(exc)


CASES = [
    pytest.param({}, "POST", "/oauth/token", {"data": FORM, "auth": AUTH}, id="token"),
    pytest.param({}, "POST", "/oauth/token", {"data": FORM, "auth": ("demo", "x")}, id="401"),
    pytest.param({}, "GET", "/nowhere?a=1", {}, id="404"),
    pytest.param({}, "GET", "/.well-known/oauth-authorization-server", {}, id="metadata"),
    pytest.param(
        {"status": 503, "retry_after": 7},
        "POST",
        "/oauth/token",
        {"data": FORM, "auth": AUTH},
        id="fault",
    ),
    pytest.param({"drop": True}, "POST", "/oauth/token", {"data": FORM, "auth": AUTH}, id="drop"),
    pytest.param(
        {"delay": 30.0},
        "POST",
        "/oauth/token",
        {"data": FORM, "auth": AUTH, "timeout": 0.01},
        id="delay-times-out",
    ),
]


@pytest.mark.parametrize(("fault", "method", "path", "kwargs"), CASES)
def test_the_hook_answers_as_answer_does(
    fault: dict[str, Any], method: str, path: str, kwargs: dict[str, Any]
) -> None:
    seen = []
    for ask in (_through_hook, _through_answer):
        provider = MockProvider(clock=None)
        provider.add_client("demo", "demo-secret")
        if fault:
            provider.add_fault("token", **fault)
        got = ask(provider, method, path, **dict(kwargs))
        if isinstance(got[0], int):  # a token value differs per provider: compare its shape
            body = got[2]
            got = (got[0], [h for h in got[1] if h[0] != "content-length"], body.count(b":"))
        seen.append(got)
    assert seen[0] == seen[1]
