"""Eager argument checks for the strategies, in Hypothesis's own message style.

A strategy called with a wrong argument fails at the call, inside the test module's import
or ``@given`` line, not somewhere in the middle of a run; the message reads like
Hypothesis's (``Expected int but got max_size='3' (type=str)``) so users recognise it.

Layering: imports Hypothesis, PyYAML and what :mod:`mock_provider` exports; never the plugin
(the connection format only inside runnable examples).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from hypothesis.errors import InvalidArgument

__all__ = ["check_bool", "check_choices", "check_range", "check_size", "check_type"]


def check_type(typ: type | tuple[type, ...], value: object, name: str) -> None:
    """Raise ``InvalidArgument`` unless ``value`` is an instance of ``typ`` (bools are not ints).

    Raises:
        InvalidArgument: "Expected X but got name=value (type=T)".
    """
    types = typ if isinstance(typ, tuple) else (typ,)
    is_bool_for_number = isinstance(value, bool) and bool not in types
    if not isinstance(value, types) or is_bool_for_number:
        shown = " or ".join(t.__name__ for t in types)
        raise InvalidArgument(
            f"Expected {shown} but got {name}={value!r} (type={type(value).__name__})"
        )


def check_bool(value: object, name: str) -> None:
    """``check_type(bool, ...)``."""
    check_type(bool, value, name)


def check_size(value: object, name: str, *, low: int, high: int | None = None) -> int:
    """Check a whole-number argument is within ``[low, high]`` and return it.

    Raises:
        InvalidArgument: for a non-int or an out-of-range value.
    """
    check_type(int, value, name)
    assert isinstance(value, int)
    if value < low or (high is not None and value > high):
        bound = f"an int >= {low}" if high is None else f"an int between {low} and {high}"
        raise InvalidArgument(f"Expected {bound} but got {name}={value!r}")
    return value


def check_range(min_value: int, max_value: int, *, names: tuple[str, str]) -> None:
    """Raise ``InvalidArgument`` when ``min_value > max_value``."""
    if min_value > max_value:
        low, high = names
        raise InvalidArgument(
            f"Expected {low} <= {high} but got {low}={min_value!r}, {high}={max_value!r}"
        )


def check_choices(
    value: Iterable[Any] | str, name: str, allowed: Iterable[str], *, what: str
) -> tuple[str, ...]:
    """Check ``value`` is a non-empty collection of names from ``allowed``; return it.

    Raises:
        InvalidArgument: for a bare string, an empty collection or an unknown name; the
            message lists the valid names.
    """
    valid = tuple(allowed)
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise InvalidArgument(
            f"Expected a collection of {what} but got {name}={value!r} "
            f"(type={type(value).__name__}); valid: {', '.join(valid)}"
        )
    names = tuple(dict.fromkeys(value))
    unknown = [n for n in names if n not in valid]
    if unknown or not names:
        raise InvalidArgument(
            f"Expected a non-empty collection of {what} but got {name}={list(names)!r}; "
            f"valid: {', '.join(valid)}"
        )
    return names
