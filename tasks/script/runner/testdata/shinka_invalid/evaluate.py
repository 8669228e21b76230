import argparse

from shinka.core import run_shinka_eval


def validate(result):
    if len(result) != 2:
        return False, "want two numbers"
    return True, None


def aggregate(results):
    total = sum(sum(r) for r in results)
    return {
        "combined_score": float(total),
        "public": {"runs_seen": len(results)},
        "private": {"hidden_total": total * 10},
        "text_feedback": "unused",
    }


def main(program_path, results_dir):
    metrics, correct, error = run_shinka_eval(
        program_path=program_path,
        results_dir=results_dir,
        experiment_fn_name="run_experiment",
        num_runs=3,
        get_experiment_kwargs=lambda i: {"seed": i},
        validate_fn=validate,
        aggregate_metrics_fn=aggregate,
    )
    print("correct:", correct, "error:", error)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--program_path", default="initial.py")
    parser.add_argument("--results_dir", default="results")
    args = parser.parse_args()
    main(args.program_path, args.results_dir)
