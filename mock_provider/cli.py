"""``oauthcc serve`` / ``python -m mock_provider serve``: the mock provider as a process.

Layering: an entry point above the facade: imports ``protocol``, ``state``, ``scenario``
and the facade (``provider``); the server it runs comes from ``MockProvider.serve``.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import secrets
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from .protocol.loopback import is_loopback
from .provider import MockProvider
from .scenario import Scenario, ScenarioError, load_scenario
from .state.clock import SystemClock

if TYPE_CHECKING:
    from .transport.server import ProviderServer

__all__ = ["DEMO_CLIENT", "add_serve_arguments", "demo", "main", "run_serve", "serve"]

DEMO_CLIENT = ("demo-client", "demo-secret", ("read", "write"))


def parse_client(value: str) -> tuple[str, str, tuple[str, ...]]:
    """Parse ``ID:SECRET[:SCOPE,SCOPE...]`` (the secret may not contain ``:``)."""
    parts = value.split(":")
    if len(parts) not in (2, 3) or not parts[0] or not parts[1]:
        raise argparse.ArgumentTypeError(
            f"expected ID:SECRET or ID:SECRET:SCOPE,SCOPE... but got {len(parts)} part(s)"
        )
    scopes = tuple(s for s in parts[2].split(",") if s) if len(parts) == 3 else ()
    return parts[0], parts[1], scopes


def parse_client_jwks(value: str) -> tuple[str, dict[str, Any]]:
    """Parse ``ID=PATH``: the client and the JWK Set (JSON, public keys) in the file."""
    client_id, sep, path = value.partition("=")
    if not sep or not client_id or not path:
        raise argparse.ArgumentTypeError(f"expected ID=PATH (a JWK Set file), got {value!r}")
    try:
        jwks = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        # The file's text may be a private key by mistake: only the error's kind is shown.
        raise argparse.ArgumentTypeError(
            f"cannot read a JSON JWK Set from {path}: {type(exc).__name__}"
        ) from None
    if not isinstance(jwks, dict):
        raise argparse.ArgumentTypeError(f"{path} must hold a JWK Set object")
    return client_id, jwks


def add_serve_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``serve`` options to ``parser``."""
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port (default 0: a free port)")
    parser.add_argument(
        "--client",
        action="append",
        type=parse_client,
        default=[],
        metavar="ID:SECRET[:SCOPES]",
        help="register a client (repeatable); scopes comma-separated",
    )
    parser.add_argument(
        "--client-jwks",
        action="append",
        type=parse_client_jwks,
        default=[],
        metavar="ID=PATH",
        help="give client ID the public JWK Set in PATH, for private_key_jwt (repeatable; "
        "a client not registered otherwise gets keys only)",
    )
    parser.add_argument(
        "--expires-in",
        type=int,
        default=None,
        metavar="SECONDS",
        help="token lifetime (default: the scenario's, else 3600)",
    )
    parser.add_argument(
        "--token-format",
        choices=["opaque", "jwt"],
        default=None,
        help="token format (default: the scenario's, else opaque)",
    )
    parser.add_argument("--issuer", default=None, help="issuer URL (default: the server URL)")
    parser.add_argument("--tls", action="store_true", help="serve HTTPS with a throwaway CA")
    parser.add_argument(
        "--scenario",
        metavar="FILE",
        default=None,
        help="a YAML or JSON scenario: clients, settings, quirks and a fault script",
    )
    parser.add_argument(
        "--no-control",
        action="store_true",
        help="do not serve the HTTP control API under /_mock/",
    )
    parser.add_argument(
        "--control-token",
        default=None,
        metavar="TOKEN",
        help="require 'Authorization: Bearer TOKEN' on the control API (generated and "
        "printed when --host is not a loopback address)",
    )


def control_token(host: str, given: str | None) -> str | None:
    """The control token to require: ``given``, else a fresh one for a non-loopback host
    (anyone who can reach it could otherwise script the provider), else none."""
    if given:
        return given
    return None if is_loopback(host) else secrets.token_urlsafe(24)


def build_provider(args: argparse.Namespace, scenario: Scenario | None = None) -> MockProvider:
    """The provider described by parsed ``serve`` arguments and an optional scenario
    (options given on the command line win over the scenario's settings)."""
    settings = dict(scenario.data.get("provider", {})) if scenario is not None else {}
    for name in ("issuer", "expires_in", "token_format"):
        if getattr(args, name, None) is not None:
            settings[name] = getattr(args, name)
    provider = MockProvider(settings.pop("issuer", None), clock=SystemClock(), **settings)
    if scenario is not None:
        scenario.apply(provider)
    clients = args.client or ([] if scenario is not None and provider.clients else [DEMO_CLIENT])
    for client_id, secret, scopes in clients:
        provider.add_client(client_id, secret, scopes=scopes)
    for client_id, jwks in getattr(args, "client_jwks", None) or []:
        _add_client_keys(provider, client_id, jwks)
    return provider


def _add_client_keys(provider: MockProvider, client_id: str, jwks: dict[str, Any]) -> None:
    """Register ``jwks`` for ``client_id``, keeping a registered client's other options."""
    known = provider.client(client_id)
    options: dict[str, Any] = {}
    if known is not None:
        chosen = {f.name for f in dataclasses.fields(known) if f.init}
        options = {name: getattr(known, name) for name in chosen}
        # Its defaults were computed without keys: recompute them with the keys.
        del options["auth_methods"], options["keys"], options["remote_keys"]
        del options["client_id"]
    secret = options.pop("client_secret", None)
    provider.add_client(client_id, secret, **{**options, "jwks": jwks})


def serve(
    args: argparse.Namespace,
    *,
    out: TextIO | None = None,
    stop: threading.Event | None = None,
    started: Callable[[ProviderServer], None] | None = None,
) -> int:
    """Run the provider until Ctrl-C (or ``stop`` is set); return the exit status.

    A ``--scenario`` file is loaded first: a broken one is reported (every problem, as
    ``FILE:LINE: key 'path': message``) on stderr and the server never starts (status 2).
    ``started`` is called with the running server (for tests and embedding).
    """
    out = out or sys.stdout
    scenario = None
    if getattr(args, "scenario", None):
        try:
            scenario = load_scenario(args.scenario)
        except ScenarioError as exc:
            print(f"error: the scenario cannot be loaded:\n{exc}", file=sys.stderr, flush=True)
            return 2
    provider = build_provider(args, scenario)
    token = None
    if not getattr(args, "no_control", False):
        token = control_token(args.host, getattr(args, "control_token", None))
        provider.enable_control(token)
    stop = stop or threading.Event()
    with _stop_on_ctrl_c(out), ExitStack() as running:
        # The server threads start while Ctrl-C is held, so they inherit a mask that
        # blocks SIGINT and the kernel delivers it to the main thread only.
        with _ctrl_c_held():
            server = running.enter_context(provider.serve(args.host, args.port, tls=args.tls))
            _print_banner(provider, server, scenario, token, args, out)
        if started is not None:
            started(server)
        while not stop.wait(0.5):
            pass
    return 0


#: The contract's name for :func:`serve` (``oauthcc serve`` runs it).
run_serve = serve


def _print_banner(
    provider: MockProvider,
    server: ProviderServer,
    scenario: Scenario | None,
    token: str | None,
    args: argparse.Namespace,
    out: TextIO,
) -> None:
    print(f"Serving mock OAuth provider at {provider.url}", file=out, flush=True)
    if scenario is not None:
        print(f"  scenario       {scenario.path}", file=out)
    for client in provider.clients.values():
        # The operator chose these credentials (or they are the documented demo pair):
        # printing them is what makes the server usable, like a dev server's login.
        scopes = " ".join(client.scopes) or "(none)"
        shown = client.client_id + (f":{client.client_secret}" if client.client_secret else "")
        keys = f" keys: {len(client.keys)} (private_key_jwt)" if client.keys else ""
        print(f"  client {shown} scopes: {scopes}{keys}", file=out, flush=True)
    print(f"  token endpoint {provider.token_url}", file=out)
    print(f"  metadata       {provider.metadata_url}", file=out)
    if server.ca_path:
        print(f"  CA bundle      {server.ca_path}", file=out)
    if provider.control is not None:
        print(f"  control API    {server.url}/_mock/ (OpenAPI: /_mock/openapi.json)", file=out)
    if token is not None:
        # A generated token is printed so the operator can use it; one they chose
        # (--control-token) is not echoed back.
        shown = token if token != getattr(args, "control_token", None) else "as given"
        print(f"  control token  {shown} (send 'Authorization: Bearer <token>')", file=out)
    print("Press Ctrl-C to stop.", file=out, flush=True)


@contextmanager
def _ctrl_c_held() -> Iterator[None]:
    # A Ctrl-C that lands inside a print() can cut a banner line in half; holding SIGINT
    # until the banner is out delivers it right after, between whole lines (Unix; where
    # signals cannot be masked the banner is printed as is).
    if not hasattr(signal, "pthread_sigmask") or (
        threading.current_thread() is not threading.main_thread()
    ):
        yield
        return
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


@contextmanager
def _stop_on_ctrl_c(out: TextIO) -> Iterator[None]:
    # Ctrl-C may arrive while the banner is still being printed (a script that waits for
    # the first line and then sends SIGINT): it must stop the server just as cleanly.
    try:
        yield
    except KeyboardInterrupt:
        print("Stopped.", file=out, flush=True)


def demo(*, out: TextIO | None = None) -> int:
    """Serve the provider on a loopback port, fetch a token, call the "me" API, revoke the
    token and show the API refusing it; print each step. Returns 0 when all behaved."""
    out = out or sys.stdout
    import httpx

    client_id, secret, scopes = DEMO_CLIENT
    provider = MockProvider(clock=SystemClock())
    provider.add_client(client_id, secret, scopes=scopes, me={"app": {"id": "app-123"}})
    with provider.serve(), httpx.Client(timeout=5) as http:
        print(f"Serving mock OAuth provider at {provider.url}", file=out)
        issued = http.post(
            provider.token_url,
            auth=(client_id, secret),
            data={"grant_type": "client_credentials", "scope": "read"},
        )
        body = issued.json()
        print(
            f"POST {provider.token_url} -> {issued.status_code} token_type={body['token_type']}"
            f" expires_in={body['expires_in']} scope={body['scope']!r}",
            file=out,
        )
        bearer = {"Authorization": f"Bearer {body['access_token']}"}
        me = http.get(provider.me_url, headers=bearer)
        print(
            f"GET  {provider.me_url} -> {me.status_code} client_id={me.json()['client_id']}",
            file=out,
        )
        revoked = http.post(
            provider.revocation_url, auth=(client_id, secret), data={"token": body["access_token"]}
        )
        print(f"POST {provider.revocation_url} -> {revoked.status_code}", file=out)
        after = http.get(provider.me_url, headers=bearer)
        print(
            f"GET  {provider.me_url} -> {after.status_code} {after.headers['WWW-Authenticate']}",
            file=out,
        )
    ok = (issued.status_code, me.status_code, revoked.status_code, after.status_code) == (
        200,
        200,
        200,
        401,
    )
    print("demo OK" if ok else "demo FAILED", file=out)
    return 0 if ok else 1


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m mock_provider``."""
    parser = argparse.ArgumentParser(prog="python -m mock_provider")
    sub = parser.add_subparsers(dest="command", required=True)
    add_serve_arguments(sub.add_parser("serve", help="run the mock provider"))
    sub.add_parser("demo", help="serve, fetch a token, call the me API, revoke, and exit")
    args = parser.parse_args(argv)
    if args.command == "demo":
        return demo()
    return serve(args)
