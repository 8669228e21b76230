"""Scores a search for the minimum of bumpy(x, y), in two stages.

Stage 1 runs the search once and checks it returns finite numbers; stage 2
runs it on several seeds and scores how close and how reliably it gets.
"""
import importlib.util
import time

import numpy as np
from openevolve.evaluation_result import EvaluationResult

# The global minimum, found once by a dense grid and a local polish.
GLOBAL_X, GLOBAL_Y, GLOBAL_VALUE = -1.705, 0.675, -1.5187


def load(program_path):
    spec = importlib.util.spec_from_file_location("candidate", program_path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def value_at(module, x, y):
    return float(module.bumpy(x, y))


def evaluate_stage1(program_path):
    module = load(program_path)
    x, y, value = module.run_search(seed=0)
    if not all(np.isfinite([x, y, value])):
        return {"combined_score": 0.0, "error": "the search returned a number that is not finite"}
    # Recomputed here: the search's own claim of its value is not trusted.
    value = value_at(module, x, y)
    return {"combined_score": 1.0 / (1.0 + abs(value - GLOBAL_VALUE)), "value": value}


def evaluate_stage2(program_path):
    module = load(program_path)
    values, distances, seconds = [], [], []
    for seed in range(5):
        start = time.perf_counter()
        x, y, _ = module.run_search(seed=seed)
        seconds.append(time.perf_counter() - start)
        values.append(value_at(module, x, y))
        distances.append(float(np.hypot(x - GLOBAL_X, y - GLOBAL_Y)))
    value_score = float(np.mean([1.0 / (1.0 + abs(v - GLOBAL_VALUE)) for v in values]))
    distance_score = float(np.mean([1.0 / (1.0 + d) for d in distances]))
    reliability = float(np.mean([abs(v - GLOBAL_VALUE) < 0.05 for v in values]))
    combined = 0.5 * value_score + 0.3 * distance_score + 0.2 * reliability
    return EvaluationResult(
        metrics={
            "value_score": value_score,
            "distance_score": distance_score,
            "reliability": reliability,
            "combined_score": combined,
        },
        artifacts={"values": ", ".join(f"{v:.4f}" for v in values), "seconds": f"{sum(seconds):.3f}"},
    )


def evaluate(program_path):
    return evaluate_stage2(program_path)
