"""A provider that echoes the client secret back, for the tests that prove no surface shows it.

Three ways real providers echo what they were sent: in an ``error_description`` (the token
step fails), in a response header (``WWW-Authenticate`` naming the credentials), and in a 200
body (the Test API's answer quoting the secret, which the label and unique id then render).
"""

from __future__ import annotations

import base64
from pathlib import Path
from urllib.parse import quote, quote_plus

from mock_provider import MockProvider

CLIENT_ID = "app-1"
# Characters URL-encoding changes, so each encoding is a new form (RFC 6749 §5.2 keeps `"` and
# `\` out of error descriptions, so JSON escaping is proven on the scrubber itself).
SECRET = "s3cr+t/v@lue=x!q"
ECHOES = ("error_description", "header", "body")

CONFIG = """\
version: 1
name: Echo
fields:
  - {{key: client_id, label: Client ID, required: true}}
  - {{key: client_secret, label: Client Secret, secret: true, required: true}}
token: {{url: "{url}/oauth/token"}}
test: {{url: "{url}/api/me", expect: {{status: [200], body_has: [client_id]}}}}
label: "Echo {{{{ test.client_id }}}}"
allowed_domains: [127.0.0.1]
unique_id: "{{{{ test.client_id }}}}"
"""


def basic(client_id: str, secret: str) -> str:
    return base64.b64encode(f"{client_id}:{secret}".encode()).decode()


def forms(secret: str = SECRET, client_id: str = CLIENT_ID) -> list[str]:
    """The forms of ``secret`` a leak could take."""
    return [
        secret,
        quote_plus(secret),
        quote(secret, safe=""),
        basic(client_id, secret),
        basic(quote_plus(client_id), quote_plus(secret)),
        base64.b64encode(secret.encode()).decode(),
    ]


def leaks(text: str) -> list[str]:
    """The forms of the secret found in ``text`` (empty: nothing leaked)."""
    return [form for form in forms() if form in text]


def echoing_provider(echo: str) -> MockProvider:
    """A provider with the client registered and the echo scripted on every request."""
    provider = MockProvider()
    provider.add_client(CLIENT_ID, SECRET)
    every_form = " ".join(forms())
    if echo == "error_description":
        provider.add_fault(
            "token",
            times=None,
            error="invalid_client",
            error_description=f"client secret {every_form} was rejected",
        )
    elif echo == "header":
        provider.add_fault(
            "token",
            times=None,
            status=401,
            headers={"WWW-Authenticate": f'Basic realm="{every_form}"'},
            body="denied",
            content_type="text/plain",
        )
    else:
        # Only with a token: the anonymous call must still be refused for the step to pass.
        provider.add_fault(
            "me",
            times=None,
            client_id=CLIENT_ID,
            status=200,
            body={"client_id": f"{CLIENT_ID} {every_form}"},
        )
    return provider


def write_config(folder: Path, url: str) -> Path:
    """The connection file for the provider at ``url``, and its env file next to it."""
    path = folder / "echo.oauthcc.yaml"
    path.write_text(CONFIG.format(url=url), encoding="utf-8")
    (folder / "ci.env").write_text(
        f"OAUTHCC_ECHO_CLIENT_ID={CLIENT_ID}\nOAUTHCC_ECHO_CLIENT_SECRET='{SECRET}'\n",
        encoding="utf-8",
    )
    return path


ENVIRON = {"OAUTHCC_ECHO_CLIENT_ID": CLIENT_ID, "OAUTHCC_ECHO_CLIENT_SECRET": SECRET}
