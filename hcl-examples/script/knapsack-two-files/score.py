"""Scores a knapsack packer on fixed instances against their optimum.

Prints one JSON object: score (the mean fraction of the optimum reached)
and valid. The packer is run in a child process, so its answer cannot
reach this process's numbers; everything it returns is checked here.
"""
import json
import random
import subprocess
import sys
from pathlib import Path


def instances():
    rng = random.Random(11)
    for _ in range(6):
        items = [(rng.randint(5, 60), rng.randint(3, 40)) for _ in range(24)]
        yield items, sum(w for _, w in items) // 3


def optimum(items, capacity):
    best = [0] * (capacity + 1)
    for value, weight in items:
        for c in range(capacity, weight - 1, -1):
            best[c] = max(best[c], best[c - weight] + value)
    return best[capacity]


CHILD = """
import json, sys
sys.path.insert(0, sys.argv[1])
import pack
print(json.dumps([pack.pack([tuple(i) for i in inst["items"]], inst["capacity"]) for inst in json.load(sys.stdin)]))
"""


def main(program):
    cases = [{"items": items, "capacity": cap} for items, cap in instances()]
    run = subprocess.run([sys.executable, "-c", CHILD, str(Path(program).parent)], input=json.dumps(cases),
                         capture_output=True, text=True, timeout=60)
    if run.returncode != 0:
        print(json.dumps({"score": 0.0, "valid": False, "error": run.stderr[-2000:]}))
        return
    answers = json.loads(run.stdout)
    fractions = []
    for case, chosen in zip(cases, answers):
        items, cap = case["items"], case["capacity"]
        if len(set(chosen)) != len(chosen) or not all(isinstance(i, int) and 0 <= i < len(items) for i in chosen):
            print(json.dumps({"score": 0.0, "valid": False, "error": "an answer names an item twice or one that does not exist"}))
            return
        if sum(items[i][1] for i in chosen) > cap:
            print(json.dumps({"score": 0.0, "valid": False, "error": "an answer is over the capacity"}))
            return
        fractions.append(sum(items[i][0] for i in chosen) / optimum(items, cap))
    print(json.dumps({"score": sum(fractions) / len(fractions), "worst": min(fractions), "valid": True}))


if __name__ == "__main__":
    main(sys.argv[1])
