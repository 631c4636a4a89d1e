"""``Connection``: load a connection file and check all nine steps.

``Connection.load(path, fields={...}).check()`` runs the static rules, then the dynamic
steps (against a mock built from the config by default, or the real provider with
``live=True``) and merges both into one :class:`StepResult` per step.

Layering: the top of ``connection/``: imports ``config/``, ``rules/``, the results and (when
checking) ``steps/``; never the plugin.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import httpx

from pytest_oauthcc.scrub import Scrubber

from .config.model import ConnectionConfig, load_config
from .config.values import env_var_name, read_env_file, resolve_values
from .errors import ConfigError, ConfigProblem
from .results import STEPS, CheckResult, StepResult, worst
from .rules import static_findings
from .rules.findings import Finding

__all__ = ["Connection"]


class Connection:
    """A connection config plus the field values to check it with.

    Use :meth:`load`; the constructor takes an already parsed config.
    """

    def __init__(self, config: ConnectionConfig, fields: Mapping[str, str] | None = None) -> None:
        self.config = config
        given = dict(fields or {})
        unknown = sorted(set(given) - {f.key for f in config.fields})
        if unknown:
            known = ", ".join(f.key for f in config.fields)
            raise ConfigError(
                config.path,
                [
                    ConfigProblem(
                        config.path,
                        config.document.line(("fields",)),
                        "fields",
                        f"no field {name!r} to set (fields: {known})",
                        config.document.column(("fields",)),
                    )
                    for name in unknown
                ],
            )
        self._given = given

    @classmethod
    def load(cls, path: str | Path, fields: Mapping[str, str] | None = None) -> Connection:
        """Read and validate a ``*.oauthcc.{yaml,yml,json,toml}`` file.

        Args:
            path: the connection file.
            fields: values for some fields (by key); the rest come from the environment
                (live) or are made up (mock).

        Raises:
            ConfigError: listing every problem in the file, each with line and key.
        """
        return cls(load_config(path), fields)

    @property
    def name(self) -> str:
        """The connection's name."""
        return self.config.name

    @property
    def path(self) -> str:
        """The file it was loaded from."""
        return self.config.path

    def env_var(self, field_key: str) -> str:
        """The environment variable live mode reads for ``field_key``."""
        return env_var_name(self.config.name, field_key)

    def check(
        self,
        *,
        live: bool = False,
        env_file: str | Path | None = None,
        environ: Mapping[str, str] | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> CheckResult:
        """Run all nine steps and return one result per step.

        Args:
            live: check against the real provider (field values from ``environ``/``env_file``)
                instead of a mock built from the config.
            env_file: ``KEY=VALUE`` file with ``OAUTHCC_<NAME>_<FIELD>`` values (live).
            environ: where to read those variables (default: the process environment).
            transport: live mode only: the httpx transport to send with (default: network).

        Raises:
            ConfigError: if ``env_file`` cannot be read.
        """
        from .steps.run import SENDING_STEPS, run_steps

        sources: dict[str, str] = {}
        if live:
            sources.update(read_env_file(env_file) if env_file is not None else {})
            sources.update(os.environ if environ is None else environ)
        values, missing = resolve_values(self.config, self._given, live=live, sources=sources)
        # Everything the result says passes through one scrubber, which learns each secret
        # here and each token and assertion as the steps see them: a provider that echoes
        # one (in an error, a header or a 200 body) cannot make the checker print it.
        scrub = Scrubber()
        for spec in self.config.fields:
            if spec.secret:
                scrub.add_secret(values.get(spec.key))
        findings = static_findings(self.config, values)
        if missing:
            names = ", ".join(self.env_var(k) for k in missing)
            findings.append(
                Finding("fields", "fail", f"required fields have no value; set {names}")
            )
        # Docs: "Checked before any request is sent": a step a static rule failed sends nothing.
        withheld = {f.step for f in findings if f.status == "fail" and f.step in SENDING_STEPS}
        try:
            dynamic = run_steps(
                self.config, values, live=live, transport=transport, scrub=scrub, withheld=withheld
            )
        except Exception as exc:
            # A checker bug still surfaces with its traceback, but its message (which may
            # quote what a provider sent) is scrubbed like every result.
            exc.args = tuple(scrub(a) if isinstance(a, str) else a for a in exc.args)
            raise
        return CheckResult(
            self.path,
            self.name,
            tuple(
                _merge(step, [f for f in findings if f.step == step], dynamic[step])
                for step in STEPS
            ),
        ).scrubbed(scrub)

    def __repr__(self) -> str:
        return f"Connection(name={self.name!r}, path={self.path!r})"


def _merge(step: str, findings: list[Finding], observed: StepResult) -> StepResult:
    """Combine static findings with what the dynamic step observed (worst status wins;
    on a tie the static finding explains, being the root cause)."""
    if not findings:
        return observed
    static = worst([f.status for f in findings])
    if worst([static, observed.status]) != static:
        return observed
    first, *rest = [f for f in findings if f.status == static]
    transcript = observed.transcript if observed.status == "fail" else ()
    more = tuple((f.reason, f.line) for f in rest)
    return StepResult(step, static, first.reason, transcript, first.line, more)
