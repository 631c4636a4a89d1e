"""One vocabulary per scripted object: each option of a fault, a quirk or a client is
defined once (name, JSON type, default, doc, value check) and every surface reads it.

The definition is the dataclass field itself (:func:`option` puts the rest in its
metadata); :func:`options_of` reads it back for the Python API's keyword check, the scenario
loader, the control API and its OpenAPI document. Problems are data, ``(field, message)``
pairs, so no caller ever parses them back out of an exception's text.

Layering: imports only the standard library (below everything but ``protocol``).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = [
    "Option",
    "Problem",
    "json_schema",
    "option",
    "options_of",
    "type_problems",
    "unknown_keywords",
    "value_problems",
]

#: A problem of a value: ``(field name or "" for the whole object, message)``.
Problem = tuple[str, str]
#: A value check: the message for a value the option does not take, else ``None``.
Check = Callable[[Any], "str | None"]


@dataclass(frozen=True)
class Option:
    """One option: the JSON types it takes, whether it is required, what it means."""

    name: str
    types: tuple[str, ...]
    doc: str
    required: bool = False
    check: Check | None = None
    convert: Callable[[Any], Any] | None = None
    secret: bool = False


def option(
    default: Any = dataclasses.MISSING,
    *,
    json: tuple[str, ...],
    doc: str,
    check: Check | None = None,
    convert: Callable[[Any], Any] | None = None,
    factory: Callable[[], Any] | None = None,
    repr: bool = True,
) -> Any:
    """A dataclass field that is also an option definition (see :func:`options_of`);
    ``repr=False`` marks a secret option, whose value no surface shows."""
    metadata = {"option": (json, doc, check, convert), "secret": not repr}
    if factory is not None:
        return dataclasses.field(default_factory=factory, metadata=metadata, repr=repr)
    return dataclasses.field(default=default, metadata=metadata, repr=repr)


def options_of(cls: Any) -> dict[str, Option]:
    """The options a dataclass defines with :func:`option`, in field order."""
    out: dict[str, Option] = {}
    for f in dataclasses.fields(cls):
        if "option" not in f.metadata:
            continue
        types, doc, check, convert = f.metadata["option"]
        required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        secret = bool(f.metadata.get("secret"))
        out[f.name] = Option(f.name, types, doc, required, check, convert, secret)
    return out


_PYTHON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "object": (dict,),
    "array": (list, tuple),
    "null": (type(None),),
}


def _accepts(value: Any, json_types: tuple[str, ...]) -> bool:
    if isinstance(value, bool):  # a bool is an int in Python, never in JSON
        return "boolean" in json_types
    return any(isinstance(value, _PYTHON_TYPES[t]) for t in json_types)


def type_problems(data: Any, options: Mapping[str, Option], *, what: str) -> list[Problem]:
    """Every problem of JSON ``data`` against ``options``: unknown keys, missing required
    keys and values of the wrong JSON type, reported together."""
    if not isinstance(data, Mapping):
        return [("", f"a {what} must be an object (a mapping of field names to values)")]
    problems: list[Problem] = []
    valid = ", ".join(options)
    for key in data:
        if key not in options:
            problems.append((str(key), f"unknown {what} field; valid fields: {valid}"))
    for key, opt in options.items():
        if key not in data:
            if opt.required:
                problems.append((key, f"required {what} field is missing"))
        elif not _accepts(data[key], opt.types):
            expected = " or ".join(opt.types)
            shown = "(value hidden)" if opt.secret else repr(data[key])[:80]
            problems.append(
                (key, f"expected {expected} but got {type(data[key]).__name__} {shown}")
            )
        elif (range_problem := _number_problem(data[key])) is not None:
            problems.append((key, range_problem))
    return problems


# RFC 7493 §2.2 (I-JSON): no number of "greater magnitude or precision than an IEEE 754 double",
# and integers are interoperable only within +-(2**53 - 1). A value past it (10**400 parses
# in Python) would overflow where the provider computes with it.
_LARGEST_INTEGER = 2**53 - 1


def _number_problem(value: Any) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int) and abs(value) > _LARGEST_INTEGER:
        return "is out of range: JSON integers interoperate within +-(2**53 - 1) (RFC 7493 §2.2)"
    # RFC 8259 §6: "Infinity and NaN" are not JSON (Python's parser reads them anyway).
    if isinstance(value, float) and not math.isfinite(value):
        return "is not a finite number (RFC 8259 §6)"
    return None


def value_problems(data: Mapping[str, Any], options: Mapping[str, Option]) -> list[Problem]:
    """The problems the options' own checks find in the values ``data`` gives."""
    problems: list[Problem] = []
    for name, opt in options.items():
        if name in data and opt.check is not None:
            message = opt.check(data[name])
            if message is not None:
                problems.append((name, message))
    return problems


def unknown_keywords(
    names: Iterable[str], options: Mapping[str, Option], *, call: str, kind: str = "option"
) -> None:
    """Refuse keywords that name no option, as Python refuses a typo'd keyword.

    Raises:
        TypeError: naming the unknown keywords and listing the valid ones.
    """
    unknown = [name for name in names if name not in options]
    if unknown:
        # Python's own wording on the first line, so it reads like any typo'd keyword.
        raise TypeError(
            f"{call}() got an unexpected keyword argument {unknown[0]!r}\n"
            f"valid {kind}s: {', '.join(options)}"
        )


def json_schema(options: Mapping[str, Option]) -> dict[str, Any]:
    """The JSON Schema of an object of these options (for the OpenAPI document)."""
    properties: dict[str, Any] = {}
    for name, opt in options.items():
        json_type: Any = list(opt.types) if len(opt.types) > 1 else opt.types[0]
        properties[name] = {"type": json_type, "description": opt.doc}
    schema: dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
    }
    required = [name for name, opt in options.items() if opt.required]
    if required:
        schema["required"] = required
    return schema
