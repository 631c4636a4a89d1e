from __future__ import annotations

from mock_provider.cli import demo


def test_demo_command_serves_issues_and_revokes(capsys):
    assert demo() == 0
    out = capsys.readouterr().out
    assert out.startswith("Serving mock OAuth provider at http://127.0.0.1:")
    assert out.rstrip().endswith("demo OK")
    assert "demo-secret" not in out
