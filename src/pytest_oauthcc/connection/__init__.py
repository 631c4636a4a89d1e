"""Connection configs: the nine-step format, its schema, and the checker."""

from .errors import ConfigError, ConfigProblem
from .results import STEPS, CheckResult, StepResult

__all__ = ["STEPS", "CheckResult", "ConfigError", "ConfigProblem", "StepResult"]
