"""shinka.core as evaluators use it: run_shinka_eval and load_program."""

from shinka.core.wrap_eval import load_program, run_shinka_eval

__all__ = ["load_program", "run_shinka_eval"]
