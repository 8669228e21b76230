"""Stand-in for the openevolve package: only what evaluators import.

asi puts this first on sys.path so an installed openevolve never loads;
importing it stays cheap (no LLM clients, no config).
"""

from openevolve.evaluation_result import EvaluationResult

__all__ = ["EvaluationResult"]
