"""Scores a depot position against two towns, at (0, 0) and (4, 0).

Two metrics, both to minimise and at odds along the road between the towns:
the squared distance to the west town and to the east one. combined_score
(their sum, negated, plus 32) is only the primary metric the contract
needs; the campaign's objective blocks optimise the two metrics as a
Pareto front.
"""
import importlib.util
import math

WEST, EAST = (0.0, 0.0), (4.0, 0.0)


def load(program_path):
    spec = importlib.util.spec_from_file_location("candidate", program_path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def squared_distance(a, b):
    return (a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2


def evaluate(program_path):
    x, y = load(program_path).depot()
    x, y = float(x), float(y)
    if not (math.isfinite(x) and math.isfinite(y)):
        return {"combined_score": 0.0, "error": "the depot's position is not a pair of finite numbers"}
    to_west, to_east = squared_distance((x, y), WEST), squared_distance((x, y), EAST)
    return {"combined_score": 32.0 - to_west - to_east, "to_west": to_west, "to_east": to_east}
