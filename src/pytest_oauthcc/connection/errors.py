"""Config errors: every problem in a connection file, each with its file, line and key.

Layering: a leaf of ``connection/``: imports only :mod:`pytest_oauthcc.errors`.
"""

from __future__ import annotations

from dataclasses import dataclass

from pytest_oauthcc.errors import OAuthccError

__all__ = ["ConfigError", "ConfigProblem"]


@dataclass(frozen=True)
class ConfigProblem:
    """One thing wrong with a connection file.

    Attributes:
        path: the file.
        line: the 1-based line of the offending key (or of its closest parent).
        key: the dotted key path, e.g. ``token.client_auth`` or ``fields[1].label``.
        message: what is wrong and how to fix it (never a secret value).
        column: the 1-based column of the key (or of the parse error), when known.
    """

    path: str
    line: int
    key: str
    message: str
    column: int | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" + (f":{self.column}" if self.column else "")
        return f"{where}: {self.key}: {self.message}" if self.key else f"{where}: {self.message}"


class ConfigError(OAuthccError):
    """A connection file could not be read or is not a valid connection config.

    ``problems`` lists every problem found in the file at once, so a connector author fixes
    them in one pass; ``str()`` shows one per line.
    """

    def __init__(self, path: str, problems: list[ConfigProblem]) -> None:
        self.path = path
        self.problems = list(problems)
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        lines = [f"{path}: invalid connection config ({count} {noun}):"]
        lines += [f"  {p}" for p in self.problems]
        super().__init__("\n".join(lines))
