"""``oauthcc serve`` / ``python -m mock_provider serve``: the mock provider as a process.

Layering: an entry point above the facade: imports ``protocol``, ``state``, ``scenario``
and the facade (``provider``); the server it runs comes from ``MockProvider.serve``.
"""

from __future__ import annotations

import argparse
import secrets
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from typing import TYPE_CHECKING, Any, TextIO

from mock_provider.bundled import bundled_scenarios
from mock_provider.protocol.errors import MockProviderError
from mock_provider.protocol.http import is_loopback
from mock_provider.protocol.rfc9068 import ACCESS_TOKEN_ALGORITHMS, access_token_alg_problem
from mock_provider.provider import MockProvider
from mock_provider.scenario import Scenario, ScenarioError, ScenarioNotFound, load_scenario
from mock_provider.state.clock import SystemClock
from mock_provider.state.log import DEFAULT_MAX_REQUESTS

from . import startup
from .clients import ClientOption, parse_client
from .keys import add_client_keys, parse_client_jwks
from .limits import add_limit_arguments, server_limits

if TYPE_CHECKING:
    from mock_provider.transport.server import ProviderServer

__all__ = [
    "DEMO_CLIENT",
    "VersionAction",
    "add_serve_arguments",
    "demo",
    "distribution_version",
    "main",
    "run_serve",
    "serve",
]

DEMO_CLIENT = ("demo-client", "demo-secret", ("read", "write"))


def distribution_version() -> str:
    """The installed pytest-oauthcc version (``--version``), from the package metadata."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pytest-oauthcc")
    except PackageNotFoundError:  # pragma: no cover - only when run from an uninstalled tree
        return "0+unknown"


class VersionAction(argparse.Action):
    """``--version``: print ``PROG VERSION`` and exit. The metadata is read only then, not
    each time the parser is built (it costs a scan of sys.path)."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        kwargs.setdefault("help", "show the installed version and exit")
        super().__init__(option_strings, argparse.SUPPRESS, nargs=0, **kwargs)

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        print(f"{parser.prog} {distribution_version()}", flush=True)  # stdout, as argparse's
        parser.exit()


def add_serve_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``serve`` options to ``parser``, and the bundled scenarios to its help."""
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    names = "\n".join(f"  {name}" for name in bundled_scenarios())
    parser.epilog = f"bundled scenarios (--scenario NAME):\n{names}"
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port (default 0: a free port)")
    parser.add_argument(
        "--client",
        action="append",
        type=parse_client,
        default=[],
        metavar="CLIENT",
        help="register a client (repeatable): ID:SECRET[:SCOPE,SCOPE...], or JSON "
        '\'{"client_id": ID, "client_secret": S, "scopes": [...]}\' for any secret, with '
        '"client_secret_env": VAR or "client_secret_file": PATH instead of client_secret to '
        "keep it out of shell history",
    )
    parser.add_argument(
        "--hide-secrets",
        action="store_true",
        help="do not print client secrets in the start-up banner (secrets read from an "
        "environment variable or a file are never printed)",
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
    parser.add_argument(
        "--access-token-alg",
        type=_access_token_alg,
        default=None,
        metavar="ALG",
        help="the JWS algorithm of JWT access tokens: "
        f"{', '.join(ACCESS_TOKEN_ALGORITHMS)} (default: the scenario's, else RS256)",
    )
    parser.add_argument("--issuer", default=None, help="issuer URL (default: the server URL)")
    parser.add_argument("--tls", action="store_true", help="serve HTTPS with a throwaway CA")
    parser.add_argument(
        "--scenario",
        metavar="FILE|NAME",
        default=None,
        help="a YAML or JSON scenario file (clients, settings, quirks and a fault script), "
        "or the name of a bundled one (listed below)",
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
    add_limit_arguments(parser)


def _access_token_alg(value: str) -> str:
    # The provider's own message, as argparse shows a refused value: "argument ...: <it>".
    if (problem := access_token_alg_problem(value)) is not None:
        raise argparse.ArgumentTypeError(problem)
    return value


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
    for name in ("issuer", "expires_in", "token_format", "access_token_alg"):
        if getattr(args, name, None) is not None:
            settings[name] = getattr(args, name)
    settings["max_requests"] = getattr(args, "max_requests", DEFAULT_MAX_REQUESTS)
    provider = MockProvider(settings.pop("issuer", None), clock=SystemClock(), **settings)
    if scenario is not None:
        scenario.apply(provider)
    demo = [ClientOption(*DEMO_CLIENT)]
    clients = args.client or ([] if scenario is not None and provider.clients else demo)
    for client in clients:
        provider.add_client(client.client_id, client.client_secret, scopes=client.scopes)
    for client_id, jwks in getattr(args, "client_jwks", None) or []:
        add_client_keys(provider, client_id, jwks)
    return provider


def serve(
    args: argparse.Namespace,
    *,
    out: TextIO | None = None,
    stop: threading.Event | None = None,
    started: Callable[[ProviderServer], None] | None = None,
) -> int:
    """Run the provider until Ctrl-C (or ``stop`` is set); return the exit status.

    A ``--scenario`` (a file, or a bundled name) is loaded first: a broken one is reported
    (every problem, as ``FILE:LINE: key 'path': message``) on stderr and the server never
    starts (status 2). Any other start-up problem (a missing one, a port in use or out of
    range, a missing extra) is one ``error:`` line on stderr, status 2.
    ``started`` is called with the running server (for tests and embedding).
    """
    out = out or sys.stdout
    scenario = None
    if getattr(args, "scenario", None):
        try:
            scenario = load_scenario(args.scenario)
        except ScenarioNotFound as exc:
            return _refuse(str(exc))
        except ScenarioError as exc:
            print(f"error: the scenario cannot be loaded:\n{exc}", file=sys.stderr, flush=True)
            return 2
    problem = startup.port_problem(args.port)
    if problem is None and args.tls:
        problem = startup.missing_extra("tls", "--tls")
    if problem is not None:
        return _refuse(problem)
    provider = build_provider(args, scenario)
    if provider.token_format == "jwt":
        given = getattr(args, "token_format", None) == "jwt"
        needed_by = "--token-format jwt" if given else "the scenario's token_format jwt"
        if (problem := startup.missing_extra("jwt", needed_by)) is not None:
            return _refuse(problem)
    token = None
    if not getattr(args, "no_control", False):
        token = control_token(args.host, getattr(args, "control_token", None))
        provider.enable_control(token, allowed_hosts=getattr(args, "allowed_host", ()))
    stop = stop or threading.Event()
    with _stop_on_ctrl_c(out), ExitStack() as running:
        # The server threads start while Ctrl-C is held, so they inherit a mask that
        # blocks SIGINT and the kernel delivers it to the main thread only.
        with _ctrl_c_held():
            try:
                served = provider.serve(args.host, args.port, tls=args.tls, **server_limits(args))
                server = running.enter_context(served)
            except OSError as exc:
                return _refuse(startup.bind_problem(args.host, args.port, exc))
            except MockProviderError as exc:  # what the server itself refuses (an extra)
                return _refuse(str(exc))
            _print_banner(provider, server, scenario, token, args, out)
        if started is not None:
            started(server)
        while not stop.wait(0.5):
            pass
    return 0


def _refuse(problem: str) -> int:
    print(f"error: {problem}", file=sys.stderr, flush=True)
    return 2


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
    sources = {option.client_id: option.secret_source for option in args.client}
    for client in provider.clients.values():
        # The operator chose these credentials (or they are the documented demo pair):
        # printing them is what makes the server usable, like a dev server's login. One
        # read from a variable or a file was kept out of sight on purpose, so it stays so.
        scopes = " ".join(client.scopes) or "(none)"
        source = sources.get(client.client_id)
        if client.client_secret is None:
            credentials = client.client_id
        elif source:
            credentials = f"{client.client_id} (secret from {source})"
        elif getattr(args, "hide_secrets", False):
            credentials = f"{client.client_id} (secret hidden)"
        else:
            credentials = f"{client.client_id}:{client.client_secret}"
        # A key is never printed: only how many the client registered.
        keys = f" keys: {len(client.keys)} (private_key_jwt)" if client.keys else ""
        print(f"  client {credentials} scopes: {scopes}{keys}", file=out, flush=True)
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
    parser.add_argument("--version", action=VersionAction)
    sub = parser.add_subparsers(dest="command", required=True)
    add_serve_arguments(sub.add_parser("serve", help="run the mock provider"))
    sub.add_parser("demo", help="serve, fetch a token, call the me API, revoke, and exit")
    args = parser.parse_args(argv)
    if args.command == "demo":
        return demo()
    return serve(args)
