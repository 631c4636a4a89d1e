"""``oauthcc serve`` / ``python -m mock_provider serve``: the mock provider as a process."""

from __future__ import annotations

import argparse
import sys
import threading
from collections.abc import Sequence
from typing import TextIO

from .clock import SystemClock
from .provider import MockProvider

__all__ = ["DEMO_CLIENT", "add_serve_arguments", "demo", "main", "serve"]

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
        "--expires-in",
        type=int,
        default=3600,
        metavar="SECONDS",
        help="token lifetime (default 3600)",
    )
    parser.add_argument("--token-format", choices=["opaque", "jwt"], default="opaque")
    parser.add_argument("--issuer", default=None, help="issuer URL (default: the server URL)")
    parser.add_argument("--tls", action="store_true", help="serve HTTPS with a throwaway CA")


def build_provider(args: argparse.Namespace) -> MockProvider:
    """The provider described by parsed ``serve`` arguments."""
    provider = MockProvider(
        args.issuer,
        clock=SystemClock(),
        expires_in=args.expires_in,
        token_format=args.token_format,
    )
    for client_id, secret, scopes in args.client or [DEMO_CLIENT]:
        provider.add_client(client_id, secret, scopes=scopes)
    return provider


def serve(
    args: argparse.Namespace, *, out: TextIO = sys.stdout, stop: threading.Event | None = None
) -> int:
    """Run the provider until Ctrl-C (or ``stop`` is set); return the exit status."""
    provider = build_provider(args)
    stop = stop or threading.Event()
    with provider.serve(args.host, args.port, tls=args.tls) as server:
        print(f"Serving mock OAuth provider at {provider.url}", file=out, flush=True)
        for client in provider.clients.values():
            # The operator chose these credentials (or they are the documented demo pair):
            # printing them is what makes the server usable, like a dev server's login.
            scopes = " ".join(client.scopes) or "(none)"
            print(
                f"  client {client.client_id}:{client.client_secret} scopes: {scopes}",
                file=out,
                flush=True,
            )
        print(f"  token endpoint {provider.token_url}", file=out)
        print(f"  metadata       {provider.metadata_url}", file=out)
        if server.ca_path:
            print(f"  CA bundle      {server.ca_path}", file=out)
        print("Press Ctrl-C to stop.", file=out, flush=True)
        try:
            while not stop.wait(0.5):
                pass
        except KeyboardInterrupt:
            print("Stopped.", file=out, flush=True)
    return 0


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
