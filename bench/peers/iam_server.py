"""pytest-iam's server (Canaille) as its ``iam_server`` fixture builds it, for bench/run.py.

Runs in its own virtualenv (``bench/.venv-iam``) because pytest-iam's plugin imports Canaille
at pytest start-up, which would slow every pytest run in the project's environment. Registers
one client-credentials client, prints ``TOKEN_URL <url> <client_id> <secret>`` and serves
until stdin closes.
"""

from __future__ import annotations

import sys
import threading
from typing import Any

import portpicker
from canaille import create_app
from canaille.backends import Backend
from pytest_iam import Server


def configuration(port: int) -> dict[str, Any]:
    """pytest-iam's ``iam_configuration`` fixture, unchanged but for the port."""
    import os
    import uuid

    from joserfc.jwk import JWKRegistry

    os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"
    jwk = JWKRegistry.generate_key("RSA", 2048)
    jwk.ensure_kid()
    return {
        "TESTING": True,
        "ENV_FILE": None,
        "SECRET_KEY": str(uuid.uuid4()),
        "WTF_CSRF_ENABLED": False,
        "PREFERRED_URL_SCHEME": "http",
        "SERVER_NAME": f"localhost:{port}",
        "CANAILLE": {
            "DATABASE": "memory",
            "ENABLE_REGISTRATION": True,
            "JAVASCRIPT": False,
            "ACL": {"DEFAULT": {"PERMISSIONS": ["use_oidc", "manage_oidc"]}},
            "LOGGING": {
                "version": 1,
                "disable_existing_loggers": False,
                "handlers": {"canaille": {"class": "logging.NullHandler"}},
                "loggers": {"canaille": {"level": "WARNING", "handlers": ["canaille"]}},
            },
        },
        "CANAILLE_OIDC": {
            "DYNAMIC_CLIENT_REGISTRATION_OPEN": True,
            "ACTIVE_JWKS": [jwk.as_dict(private=True)],
        },
    }


def main() -> None:
    """Start the server, register the client, serve until stdin closes."""
    port = portpicker.pick_unused_port()
    app = create_app(
        config=configuration(port), env_file=".pytest-iam.env", env_prefix="PYTEST_IAM_"
    )
    server = Server(app, port, Backend.instance)
    thread = threading.Thread(target=server.httpd.serve_forever, daemon=True)
    thread.start()
    with app.app_context():
        client = server.models.Client(
            client_id="bench",
            client_secret="bench-secret",
            grant_types=["client_credentials"],
            response_types=[],
            token_endpoint_auth_method="client_secret_basic",
            scope=["openid"],
            redirect_uris=["http://localhost/callback"],
        )
        server.backend.save(client)
        print(f"TOKEN_URL http://localhost:{port}/oauth/token bench bench-secret", flush=True)
        sys.stdin.read()
    server.httpd.shutdown()
    thread.join(timeout=5)


if __name__ == "__main__":
    main()
