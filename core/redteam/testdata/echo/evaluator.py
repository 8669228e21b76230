"""Returns what the program's value() returns, as JSON in the artifact
"value": the red team's tests compare it with Go's change of the same
value."""

import importlib.util
import json


def evaluate(program_path):
    spec = importlib.util.spec_from_file_location("program", program_path)
    program = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(program)
    return {"combined_score": 1.0, "value": json.dumps(program.value())}
