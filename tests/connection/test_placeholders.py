"""Placeholders are looked up, never evaluated."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pytest_oauthcc.connection.config.placeholders import (
    PlaceholderError,
    find_placeholders,
    render,
    syntax_problems,
)

CONTEXT = {
    "fields": {"environment": "sandbox"},
    "env": {"base_url": "https://sandbox.api.example.com"},
    "test": {"app": {"id": "app-1", "name": "Demo", "tags": ["a", "b"]}, "n": 7, "ok": True},
}


def test_render_replaces_every_placeholder() -> None:
    text = "{{ env.base_url }}/v2 {{fields.environment}} {{ test.app.tags.1 }} {{ test.n }}"
    assert render(text, CONTEXT) == "https://sandbox.api.example.com/v2 sandbox b 7"


@pytest.mark.parametrize(
    ("template", "message"),
    [
        pytest.param(
            "{{ secrets.x }}",
            "unknown placeholder name 'secrets' in '{{ secrets.x }}'; "
            "use one of: fields, env, test, token",
            id="unknown-namespace",
        ),
        pytest.param(
            "{{ __import__('os').system('id') }}",
            "placeholder \"{{ __import__('os')."
            "system('id') }}\" is not a reference: write {{ namespace.key }} (no "
            "expressions, filters or code are evaluated)",
            id="code-is-never-evaluated",
        ),
        pytest.param(
            "{{ fields }}",
            "placeholder '{{ fields }}' is not a reference: write "
            "{{ namespace.key }} (no expressions, filters or code are evaluated)",
            id="namespace-alone",
        ),
        pytest.param(
            "{{ env.x | upper }}",
            "placeholder '{{ env.x | upper }}' is not a "
            "reference: write {{ namespace.key }} (no expressions, filters or code are "
            "evaluated)",
            id="filters",
        ),
        pytest.param(
            "https://x/{{ env.base_url", "unbalanced '{{' or '}}' in the value", id="unbalanced"
        ),
    ],
)
def test_malformed_placeholders_are_errors(template: str, message: str) -> None:
    assert syntax_problems(template) == [message]
    with pytest.raises(PlaceholderError) as info:
        render(template, CONTEXT)
    assert str(info.value) == message


def test_a_missing_key_names_what_exists() -> None:
    with pytest.raises(PlaceholderError) as info:
        render("{{ test.app.owner }}", CONTEXT)
    assert str(info.value) == (
        "{{ test.app.owner }} does not resolve: no 'owner' in test.app; test.app has: id, "
        "name, tags"
    )


def test_a_missing_namespace_says_so() -> None:
    with pytest.raises(PlaceholderError) as info:
        render("{{ token.scope }}", CONTEXT)
    assert str(info.value) == "{{ token.scope }}: 'token' is not available here"


def test_only_scalars_render() -> None:
    with pytest.raises(PlaceholderError) as info:
        render("{{ test.app }}", CONTEXT)
    assert str(info.value) == "{{ test.app }} is a dict, not a single value"
    assert render("{{ test.ok }}", CONTEXT) == "true"


def test_find_placeholders_skips_unknown_namespaces() -> None:
    found = find_placeholders("{{ fields.a }} {{ nope.b }} {{ env.c.d }}")
    assert [p.name for p in found] == ["fields.a", "env.c.d"]


@given(st.text(alphabet=st.sampled_from("{} .abtesfildnvok_0(')\"|x"), max_size=40))
@settings(max_examples=300, deadline=None)
def test_rendering_any_text_returns_text_or_a_placeholder_error(template: str) -> None:
    context = {**CONTEXT, "token": {"scope": "read"}}
    try:
        rendered = render(template, context)
    except PlaceholderError:
        return
    assert isinstance(rendered, str)
    # Success means every placeholder was a plain reference and was replaced.
    assert "{{" not in template or "{{" not in rendered or "{{" in str(CONTEXT)
