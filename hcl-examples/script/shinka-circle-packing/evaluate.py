"""Evaluates a circle packing: 26 circles in the unit square, no overlaps.

Run as ShinkaEvolve runs it:
    python evaluate.py --program_path initial.py --results_dir results
"""
import argparse
import math

from shinka.core import run_shinka_eval

N = 26
TOLERANCE = 1e-9


def validate_packing(result):
    centers, radii, _claimed = result
    if len(centers) != N or len(radii) != N:
        return False, f"expected {N} circles, got {len(centers)} centers and {len(radii)} radii"
    for i, ((x, y), r) in enumerate(zip(centers, radii)):
        if not all(math.isfinite(v) for v in (x, y, r)) or r < 0:
            return False, f"circle {i} has a bad center or radius"
        if x - r < -TOLERANCE or x + r > 1 + TOLERANCE or y - r < -TOLERANCE or y + r > 1 + TOLERANCE:
            return False, f"circle {i} crosses the square's edge"
    for i in range(N):
        for j in range(i + 1, N):
            d = math.hypot(centers[i][0] - centers[j][0], centers[i][1] - centers[j][1])
            if radii[i] + radii[j] > d + TOLERANCE:
                return False, f"circles {i} and {j} overlap by {radii[i] + radii[j] - d:.2e}"
    return True, None


def aggregate_metrics(results):
    centers, radii, _claimed = results[0]
    # The sum is recomputed from the radii; the program's own total is not trusted.
    total = sum(radii)
    return {
        "combined_score": total,
        "public": {"sum_radii": total, "smallest_radius": min(radii)},
        "private": {"largest_radius": max(radii)},
        "text_feedback": f"sum of radii {total:.4f}; the best known packing reaches 2.635",
    }


def main(program_path, results_dir):
    metrics, correct, error = run_shinka_eval(
        program_path=program_path,
        results_dir=results_dir,
        experiment_fn_name="run_packing",
        num_runs=1,
        validate_fn=validate_packing,
        aggregate_metrics_fn=aggregate_metrics,
    )
    if not correct:
        print(f"evaluation failed: {error}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--program_path", default="initial.py")
    parser.add_argument("--results_dir", default="results")
    args = parser.parse_args()
    main(args.program_path, args.results_dir)
