"""run_shinka_eval: runs a candidate's experiment function and records its metrics.

Stdlib only, in-process: it must work under CPython compiled to WASI, where
there are no subprocesses and the filesystem may be read-only. When the
results directory cannot be written, last_result still holds the outcome
for asi_run.py to read.
"""

import importlib.util
import json
import os
import statistics
import sys
import time
import traceback

# last_result is (metrics, correct, error_msg) of the latest run_shinka_eval
# call in this process, or None before the first one.
last_result = None


def load_program(program_path):
    """Imports the file at program_path as module "program" and returns it.

    The program's folder goes on sys.path so a candidate split over several
    modules can import its siblings. The module is not put in sys.modules:
    a sibling package named "program" must stay importable.
    """
    program_path = os.path.abspath(program_path)
    folder = os.path.dirname(program_path)
    if folder not in sys.path:
        sys.path.insert(0, folder)
    spec = importlib.util.spec_from_file_location("program", program_path)
    if spec is None or spec.loader is None:
        raise ImportError("cannot load program from %s" % program_path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _describe(exc):
    return "".join(traceback.format_exception_only(type(exc), exc)).strip()


def _jsonable(value):
    # numpy scalars and arrays (when the jail has numpy) and anything else
    # json cannot write: prefer the plain Python value, then its text.
    for attr in ("item", "tolist"):
        fn = getattr(value, attr, None)
        if callable(fn):
            try:
                return fn()
            except Exception:
                pass
    return str(value)


def _save(results_dir, metrics, correct, error_msg):
    try:
        os.makedirs(results_dir, exist_ok=True)
        with open(os.path.join(results_dir, "metrics.json"), "w") as f:
            json.dump(metrics, f, indent=2, default=_jsonable)
        with open(os.path.join(results_dir, "correct.json"), "w") as f:
            json.dump({"correct": correct, "error": error_msg}, f, indent=2)
    except OSError:
        # A read-only filesystem: asi_run.py reads last_result instead.
        pass


def run_shinka_eval(
    program_path,
    results_dir,
    experiment_fn_name="run_experiment",
    num_runs=1,
    get_experiment_kwargs=None,
    aggregate_metrics_fn=None,
    validate_fn=None,
    default_metrics_on_error=None,
    **ignored
):
    """Runs experiment_fn_name of the program num_runs times and scores it.

    get_experiment_kwargs(run_index) gives each run's keyword arguments;
    validate_fn(result) returns (is_valid, message); aggregate_metrics_fn
    (results) returns the metrics when every run is valid. A run that raises
    stops the loop. On any failure the metrics are default_metrics_on_error
    (default {"combined_score": 0.0}). Timing and run counts are always added.
    Writes metrics.json and correct.json to results_dir when it can.
    Returns (metrics, correct, error_msg).
    """
    global last_result
    results = []
    times = []
    errors = []
    num_invalid = 0
    first_error = None

    try:
        module = load_program(program_path)
        experiment = getattr(module, experiment_fn_name, None)
        if not callable(experiment):
            raise AttributeError(
                "the program defines no function %r" % experiment_fn_name
            )
    except Exception as exc:
        traceback.print_exc(file=sys.stderr)
        first_error = "loading the program failed: " + _describe(exc)
        errors.append(first_error)
        num_invalid = num_runs
        experiment = None

    if experiment is not None:
        for run_index in range(num_runs):
            try:
                kwargs = get_experiment_kwargs(run_index) if get_experiment_kwargs else {}
                start = time.perf_counter()
                result = experiment(**kwargs)
                times.append(time.perf_counter() - start)
            except Exception as exc:
                traceback.print_exc(file=sys.stderr)
                message = "run %d failed: %s" % (run_index, _describe(exc))
                errors.append(message)
                first_error = first_error or message
                num_invalid += 1
                # Later runs would most likely fail the same way.
                break
            if validate_fn is not None:
                try:
                    ok, message = validate_fn(result)
                except Exception as exc:
                    traceback.print_exc(file=sys.stderr)
                    ok, message = False, "validation raised: " + _describe(exc)
                if not ok:
                    message = str(message) if message else "run %d is invalid" % run_index
                    errors.append(message)
                    first_error = first_error or message
                    num_invalid += 1
                    continue
            results.append(result)

    correct = first_error is None
    metrics = None
    if correct:
        try:
            metrics = dict(aggregate_metrics_fn(results)) if aggregate_metrics_fn else {}
        except Exception as exc:
            traceback.print_exc(file=sys.stderr)
            first_error = "aggregating metrics failed: " + _describe(exc)
            errors.append(first_error)
            correct = False
    if not correct:
        metrics = dict(default_metrics_on_error or {"combined_score": 0.0})

    metrics["execution_time_mean"] = statistics.fmean(times) if times else 0.0
    metrics["execution_time_std"] = statistics.pstdev(times) if len(times) > 1 else 0.0
    metrics["num_valid_runs"] = len(results)
    metrics["num_invalid_runs"] = num_invalid
    metrics["all_validation_errors"] = errors

    last_result = (metrics, correct, first_error)
    _save(results_dir, metrics, correct, first_error)
    return metrics, correct, first_error
