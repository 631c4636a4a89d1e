"""The dynamic steps: drive the reference client through the connection and judge it.

Run order differs from report order: revocation kills the token, so it runs last;
renewal advances the mock clock, so it runs after the steps that read the first token.
Each step returns a :class:`StepResult`; a failure carries the redacted transcript of the
exchanges it made.

Layering: imports ``config/``, ``rules/``, the results, the reference client and what
:mod:`mock_provider` exports; never the plugin.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

import httpx

from pytest_oauthcc.connection.config.model import ConnectionConfig
from pytest_oauthcc.connection.results import STEPS, StepResult
from pytest_oauthcc.errors import ClientConfigurationError, OAuthccError
from pytest_oauthcc.scrub import Scrubber

from .api_steps import (
    check_allowed_domains,
    check_label,
    check_request_defaults,
    check_revoke,
    check_test,
    check_unique_id,
)
from .session import RenderFailed, Session, open_session
from .token_steps import check_refresh, check_renewal, check_token, check_wrong_secret

__all__ = ["SENDING_STEPS", "run_steps"]

# The steps that send requests of their own. A static failure of one of them means its
# request is wrong (plain HTTP, a bad parameter, ...): it is not sent, not even to the mock.
SENDING_STEPS = ("token", "refresh", "revoke", "test")


def run_steps(
    config: ConnectionConfig,
    values: dict[str, str],
    *,
    live: bool,
    transport: httpx.BaseTransport | None,
    scrub: Scrubber | None = None,
    withheld: Collection[str] = (),
) -> dict[str, StepResult]:
    """Run every dynamic step; return one result per step name.

    ``scrub`` learns the client secret and every token and assertion the steps see; the
    caller applies it to whatever it shows. The steps in ``withheld`` (of
    :data:`SENDING_STEPS`, failed by a static rule) send nothing: each is reported
    skipped, and so is every step that needs its answer.
    """
    results: dict[str, StepResult] = {}
    try:
        session = open_session(
            config, values, live=live, transport=transport, scrub=scrub or Scrubber()
        )
    except RenderFailed as exc:
        return _all_blocked(exc.step, str(exc), values)
    try:
        for step in withheld:
            results[step] = StepResult(step, "skip", "not sent: its static rule failed")
        return _run(session, results, values, config)
    finally:
        session.close()


def _run(
    session: Session,
    results: dict[str, StepResult],
    values: dict[str, str],
    config: ConnectionConfig,
) -> dict[str, StepResult]:
    secrets_count = sum(f.secret for f in config.fields)
    results["fields"] = StepResult(
        "fields", "pass", f"{len(values)} field(s) set, {secrets_count} secret (masked)"
    )
    try:
        cc = session.client()
    except ClientConfigurationError as exc:
        results["token"] = StepResult(
            "token", "fail", f"the reference client refuses this configuration: {exc}"
        )
        return _after_token_failure(session, results)
    with session.http(cc) as http:
        if "token" not in results:
            results["token"] = check_token(session, cc, http)
        if results["token"].status in ("fail", "skip"):
            return _after_token_failure(session, results)
        if "test" not in results:
            _guarded(results, "test", lambda: check_test(session, http))
        _guarded(results, "label", lambda: check_label(session, results["test"]))
        _guarded(results, "unique_id", lambda: check_unique_id(session, cc, http, results))
        if results["test"].status not in ("fail", "skip"):
            _guarded(
                results,
                "token",
                lambda: _first_failure(
                    results["token"],
                    check_renewal(session, cc, http),
                    check_wrong_secret(session),
                ),
            )
        if "refresh" not in results:
            _guarded(results, "refresh", lambda: check_refresh(session))
        _guarded(results, "request_defaults", lambda: check_request_defaults(session))
        results["allowed_domains"] = check_allowed_domains(session, http)
        if "revoke" not in results:
            _guarded(results, "revoke", lambda: check_revoke(session, cc, http))
    return results


def _all_blocked(step: str, reason: str, values: dict[str, str]) -> dict[str, StepResult]:
    out = {s: StepResult(s, "skip", f"skipped: the {step} step failed") for s in STEPS}
    out[step] = StepResult(step, "fail", reason)
    if step != "fields":
        out["fields"] = StepResult("fields", "pass", f"{len(values)} field(s) set")
    return out


def _after_token_failure(session: Session, results: dict[str, StepResult]) -> dict[str, StepResult]:
    for step in STEPS:
        results.setdefault(
            step, StepResult(step, "skip", "skipped: no token (the token step failed)")
        )
    with session.http() as plain:
        results["allowed_domains"] = check_allowed_domains(session, plain)
    return results


def _first_failure(current: StepResult, *more: StepResult | None) -> StepResult:
    for result in (current, *more):
        if result is not None and result.status == "fail":
            return result
    return current


def _guarded(results: dict[str, StepResult], step: str, run: Callable[[], StepResult]) -> None:
    """Run one step; a refused domain, a client error (no token, a refused revocation) or a
    transport error fails that step, not the whole check."""
    try:
        results[step] = run()
    except OAuthccError as exc:  # DomainRefused included
        results[step] = StepResult(step, "fail", str(exc))
    except httpx.HTTPError as exc:
        results[step] = StepResult(step, "fail", f"{type(exc).__name__}: {exc}")
