"""The typed keyword views of ``add_fault`` / ``set_quirks`` name exactly the options that the
one vocabulary defines, so a type checker accepts what the provider accepts and no more."""

from __future__ import annotations

import pytest

from mock_provider.faults.fault import FAULT_OPTIONS
from mock_provider.faults.keywords import FaultOptions, QuirkOptions
from mock_provider.faults.quirks import QUIRK_OPTIONS


@pytest.mark.parametrize(
    ("typed", "options", "positional"),
    [
        pytest.param(FaultOptions, FAULT_OPTIONS, {"endpoint"}, id="add_fault"),
        pytest.param(QuirkOptions, QUIRK_OPTIONS, set(), id="set_quirks"),
    ],
)
def test_the_typed_keywords_are_the_defined_options(
    typed: type, options: dict[str, object], positional: set[str]
) -> None:
    assert list(typed.__annotations__) == [name for name in options if name not in positional]


def test_a_typo_is_still_pythons_own_type_error_at_run_time() -> None:
    from mock_provider import MockProvider

    with pytest.raises(TypeError, match="stauts"):
        MockProvider().add_fault("token", stauts=503)  # type: ignore[call-arg]
