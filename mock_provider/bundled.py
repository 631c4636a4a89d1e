"""The scenarios that ship inside the package, found by name through importlib.resources.

``oauthcc serve --scenario flaky-token-endpoint`` must work from a wheel install, where no
checkout (and so no ``scenarios/`` folder) exists: the files live in
``mock_provider/scenarios/`` as package data and are read as resources, never by a path
relative to the working directory.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from importlib.abc import Traversable

__all__ = [
    "SCENARIO_SUFFIXES",
    "ScenarioSource",
    "bundled_scenarios",
    "find_scenario",
    "not_found_message",
]

SCENARIO_SUFFIXES = (".yaml", ".yml", ".json")


def bundled_scenarios() -> dict[str, Traversable]:
    """The bundled scenarios by name (the file name without its suffix), sorted by name."""
    folder = files("mock_provider") / "scenarios"
    found = {
        entry.name.rsplit(".", 1)[0]: entry
        for entry in folder.iterdir()
        if entry.is_file() and entry.name.endswith(SCENARIO_SUFFIXES)
    }
    return dict(sorted(found.items()))


class ScenarioSource:
    """Where a scenario's text comes from: a file the user named, or a bundled resource.

    Attributes:
        name: what to show for it (the path as given, or the bundled name).
        suffix: the file suffix, which decides whether the text is parsed as JSON.
    """

    def __init__(self, name: str, resource: Traversable, suffix: str) -> None:
        self.name = name
        self.suffix = suffix
        self._resource = resource

    def read_text(self) -> str:
        """The scenario's text (UTF-8).

        Raises:
            OSError, UnicodeDecodeError: as reading the file raises them.
        """
        return self._resource.read_text(encoding="utf-8")


def find_scenario(value: str | Path) -> ScenarioSource | None:
    """The scenario ``value`` names: an existing path wins, else a bundled name (with or
    without its suffix); ``None`` when it is neither."""
    path = Path(value)
    if path.exists():
        return ScenarioSource(str(value), path, path.suffix)
    bundled = bundled_scenarios()
    name = str(value)
    stem = name.rsplit(".", 1)[0] if name.endswith(SCENARIO_SUFFIXES) else name
    resource = bundled.get(stem)
    if resource is None or (stem != name and resource.name != name):
        return None
    return ScenarioSource(stem, resource, "." + resource.name.rsplit(".", 1)[1])


def not_found_message(value: str | Path) -> str:
    """One line saying what was looked for and which scenarios are bundled."""
    where = Path(value).absolute()
    names = ", ".join(bundled_scenarios())
    return (
        f"no scenario {str(value)!r}: no file {where} and no bundled scenario of that name "
        f"(bundled: {names})"
    )
