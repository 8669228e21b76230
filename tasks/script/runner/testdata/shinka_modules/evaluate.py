import argparse

from shinka.core import run_shinka_eval

if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--program_path")
    parser.add_argument("--results_dir")
    args = parser.parse_args()
    run_shinka_eval(
        args.program_path,
        args.results_dir,
        aggregate_metrics_fn=lambda rs: {"combined_score": float(rs[0])},
    )
