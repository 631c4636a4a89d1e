"""Connection configs: the nine-step format, its schema, and the checker.

Layering: re-exports the leaves (errors, results) only, so importing the package stays cheap;
``config/`` < ``rules/`` < ``steps/`` < ``checker``, never the plugin.
"""

from .errors import ConfigError, ConfigProblem
from .results import STEPS, CheckResult, StepResult

__all__ = ["STEPS", "CheckResult", "ConfigError", "ConfigProblem", "StepResult"]
