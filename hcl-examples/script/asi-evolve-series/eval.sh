#!/usr/bin/env bash
# Scores program.py as ASI-Evolve's engineer does: runs it in the step's
# folder with a time limit and writes results.json (eval_score, success).
set -u
program="${1:-program.py}"
python3 - "$program" <<'PY' > results.json
import importlib.util, json, math, sys, time

def result(score, success, **extra):
    print(json.dumps(dict(eval_score=score, success=success, **extra)))

try:
    spec = importlib.util.spec_from_file_location("program", sys.argv[1])
    program = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(program)
    terms = 40
    start = time.perf_counter()
    value = float(program.approximate_pi(terms))
    seconds = time.perf_counter() - start
except Exception as e:
    result(0.0, False, error=f"{type(e).__name__}: {e}")
    sys.exit(0)
if not math.isfinite(value):
    result(0.0, False, error="the approximation is not a finite number")
else:
    error = abs(value - math.pi)
    digits = max(0.0, min(15.0, -math.log10(error))) if error > 0 else 15.0
    result(digits, True, abs_error=error, seconds=seconds)
PY
