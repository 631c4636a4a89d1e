"""``ConfigFile`` and ``BrokenConfig``: generated connection files, as text on disk.

A generated config is kept as data *and* as the text of one format, because the loader's
job (and its line numbers) is about text: tests write the file and load it like a user's.

Layering: imports Hypothesis, PyYAML and what :mod:`mock_provider` exports; never the plugin
(the connection format only inside runnable examples).
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ._toml_text import to_toml

__all__ = ["FORMATS", "BrokenConfig", "ConfigFile", "render"]

FORMATS = ("yaml", "json", "toml")


def render(data: Mapping[str, Any], fmt: str) -> str:
    """``data`` as the text of ``fmt`` (``yaml``, ``json`` or ``toml``)."""
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if fmt == "toml":
        return to_toml(dict(data))
    return yaml.safe_dump(dict(data), sort_keys=False, allow_unicode=True, width=1000)


@dataclass(frozen=True)
class ConfigFile:
    """A connection file: its ``data``, its ``format`` and its ``text`` in that format.

    Use :meth:`write` to put it in a directory and load it with the project's loader
    (``pytest_oauthcc.connection.config.model.load_config``) or ``Connection.load``.
    """

    data: Mapping[str, Any] = field(repr=False)
    format: str = "yaml"

    @property
    def text(self) -> str:
        """The file's text."""
        return render(self.data, self.format)

    @property
    def filename(self) -> str:
        """``<name>.oauthcc.<format>``, the name slugged to ``[a-z0-9-]``."""
        slug = re.sub(r"[^a-z0-9]+", "-", str(self.data.get("name", "x")).lower()).strip("-")
        return f"{slug or 'connection'}.oauthcc.{self.format}"

    def write(self, directory: str | Path) -> Path:
        """Write the file into ``directory`` and return its path."""
        path = Path(directory) / self.filename
        path.write_text(self.text, encoding="utf-8")
        return path

    def changed(self, change: Any) -> ConfigFile:
        """A copy whose data went through ``change(data)`` (which edits it in place)."""
        data = copy.deepcopy(dict(self.data))
        change(data)
        return ConfigFile(data, self.format)

    def __repr__(self) -> str:
        return f"ConfigFile(format={self.format!r}, text=\n{self.text})"


@dataclass(frozen=True)
class BrokenConfig:
    """A connection file with one thing wrong, and where the project must catch it.

    Attributes:
        file: the file.
        step: the step of the nine (``fields`` ... ``request_defaults``) it must fail.
        stage: ``"load"``: loading raises ``ConfigError`` with a problem under a key of
            ``step``; ``"check"``: it loads, and checking fails ``step``.
        change: what was broken, in words (``token.renew_before = -1``).
    """

    file: ConfigFile
    step: str
    stage: str
    change: str

    def write(self, directory: str | Path) -> Path:
        """Write the file into ``directory`` and return its path."""
        return self.file.write(directory)

    def __repr__(self) -> str:
        return (
            f"BrokenConfig(step={self.step!r}, stage={self.stage!r}, change={self.change!r}, "
            f"format={self.file.format!r}, text=\n{self.file.text})"
        )
