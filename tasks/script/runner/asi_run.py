"""asi_run.py: runs one evaluator on one candidate and reports one result.

    python3 asi_run.py --contract {openevolve|shinka} --evaluator REL
        --program REL [--stage N] [--function NAME] --out PATH

Paths are relative to the current directory (the job directory). The result
is a JSON object {"metrics", "valid", "feedback", "artifacts", "error"},
written to --out when the filesystem allows and always printed as the last
line of stdout after "ASI-RESULT ". Non-finite metrics are written as NaN or
Infinity; the caller rejects them. The exit status is 0 whenever a result
was produced, for an invalid candidate too.

Stdlib only, no subprocesses: this also runs on CPython compiled to WASI.
"""

import argparse
import importlib.util
import json
import numbers
import os
import runpy
import sys
import traceback

RESULT_PREFIX = "ASI-RESULT "
ARTIFACT_CAP = 64 * 1024  # bytes of UTF-8 per artifact
TEXT_CAP = 16 * 1024  # bytes of UTF-8 for feedback and error


def truncate(text, cap, keep_end):
    """Cuts text to at most cap UTF-8 bytes, marking the cut.

    keep_end keeps the tail, where a traceback names the failing line.
    """
    data = text.encode("utf-8", errors="replace")
    if len(data) <= cap:
        return text
    marker = "[... %d bytes cut ...]" % (len(data) - cap)
    room = max(cap - len(marker) - 1, 0)
    if keep_end:
        return marker + "\n" + data[len(data) - room:].decode("utf-8", errors="ignore")
    return data[:room].decode("utf-8", errors="ignore") + "\n" + marker


def to_text(value):
    if isinstance(value, str):
        return value
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8", errors="replace")
    if isinstance(value, (dict, list, tuple)):
        try:
            return json.dumps(value, default=str, allow_nan=True)
        except (TypeError, ValueError):
            pass
    return str(value)


def as_number(value):
    """Returns value as a float, or None when it is not a number.

    numbers.Real admits numpy scalars too; bool is a number to Python but
    a flag to the user, so it stays an artifact.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return None
    try:
        return float(value)
    except (OverflowError, TypeError, ValueError):
        return None


class Result:
    def __init__(self):
        self.metrics = {}
        self.artifacts = {}
        self.valid = True
        self.feedback = []
        self.error = ""

    def put(self, name, value):
        """Files a value as a metric when numeric, else as an artifact."""
        number = as_number(value)
        if number is not None:
            self.metrics[str(name)] = number
        else:
            self.artifacts[str(name)] = to_text(value)

    def fail(self, message):
        self.valid = False
        self.note(message)

    def note(self, message):
        if message:
            self.feedback.append(str(message).strip())

    def crash(self):
        """Records the exception being handled as an invalid candidate.

        The whole traceback goes to error; its last line, the exception
        itself, to feedback.
        """
        text = traceback.format_exc().strip()
        self.error = (self.error + "\n" + text) if self.error else text
        lines = [l for l in text.splitlines() if l.strip()]
        self.fail(lines[-1].strip() if lines else "the evaluator raised")

    def to_dict(self):
        return {
            "metrics": self.metrics,
            "valid": self.valid,
            "feedback": truncate("\n".join(self.feedback), TEXT_CAP, keep_end=True),
            "artifacts": {
                k: truncate(v, ARTIFACT_CAP, keep_end=False)
                for k, v in self.artifacts.items()
            },
            "error": truncate(self.error, TEXT_CAP, keep_end=True),
        }


def import_by_path(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError("cannot import %s" % path)
    module = importlib.util.module_from_spec(spec)
    # Registered before running, as an import would, so dataclasses and
    # pickling inside the evaluator find their module.
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def run_openevolve(result, evaluator, program, stage, function=None):
    try:
        module = import_by_path("evaluator", evaluator)
    except BaseException as exc:
        if isinstance(exc, KeyboardInterrupt):
            raise
        result.crash()
        return
    if function:
        # A held-out stage: the evaluator's verify function, no fallback.
        fn = getattr(module, function, None)
        if not callable(fn):
            result.fail("the evaluator defines no function %s" % function)
            return
    else:
        fn = getattr(module, "evaluate_stage%d" % (stage + 1), None)
    if not callable(fn):
        fn = getattr(module, "evaluate", None)
    if not callable(fn):
        result.fail(
            "the evaluator defines neither evaluate_stage%d nor evaluate" % (stage + 1)
        )
        return
    try:
        out = fn(program)
        if hasattr(out, "__await__"):
            # An async evaluate; asyncio is imported only when needed.
            import asyncio

            out = asyncio.run(out)
    except BaseException as exc:
        if isinstance(exc, KeyboardInterrupt):
            raise
        result.crash()
        return

    if hasattr(out, "metrics") and hasattr(out, "artifacts"):
        metrics, artifacts = out.metrics, out.artifacts
    elif isinstance(out, dict):
        metrics, artifacts = out, {}
    else:
        result.fail(
            "evaluate returned %s; want a dict or an EvaluationResult"
            % type(out).__name__
        )
        return
    metrics = dict(metrics or {})
    error = metrics.get("error")
    if isinstance(error, str):
        del metrics["error"]
        if error.strip():
            result.fail(error)
    for name, value in metrics.items():
        result.put(name, value)
    for name, value in dict(artifacts or {}).items():
        result.artifacts[str(name)] = to_text(value)


def read_json(path):
    """Returns the parsed file, or None when it is missing or unreadable."""
    try:
        with open(path, "r", encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def run_shinka(result, evaluator, program, results_dir):
    try:
        os.makedirs(results_dir, exist_ok=True)
    except OSError:
        pass
    for name in ("metrics.json", "correct.json"):
        # A reused job directory must not pass off old results as new.
        try:
            os.remove(os.path.join(results_dir, name))
        except OSError:
            pass

    saved_argv = sys.argv
    sys.argv = [evaluator, "--program_path", program, "--results_dir", results_dir]
    try:
        runpy.run_path(evaluator, run_name="__main__")
    except SystemExit as exc:
        if exc.code not in (None, 0):
            result.fail("the evaluator exited with status %r" % (exc.code,))
    except BaseException as exc:
        if isinstance(exc, KeyboardInterrupt):
            raise
        result.crash()
    finally:
        sys.argv = saved_argv

    metrics = read_json(os.path.join(results_dir, "metrics.json"))
    correct = read_json(os.path.join(results_dir, "correct.json"))
    wrap_eval = sys.modules.get("shinka.core.wrap_eval")
    record = getattr(wrap_eval, "last_result", None)
    if metrics is None and record is not None:
        # Read-only filesystem: the shim kept what it could not write.
        metrics = record[0]
        if correct is None:
            correct = {"correct": record[1], "error": record[2]}
    if not isinstance(metrics, dict):
        result.fail("the evaluator wrote no metrics.json")
        return

    public = metrics.get("public")
    private = metrics.get("private")
    for name, value in metrics.items():
        if name not in ("public", "private", "text_feedback", "combined_score"):
            result.put(name, value)
    if isinstance(public, dict):
        for name, value in public.items():
            result.put(name, value)
    elif public is not None:
        result.put("public", public)
    if "combined_score" in metrics:
        result.put("combined_score", metrics["combined_score"])
    if private is not None:
        # Shinka keeps private metrics from the LLM: artifacts only.
        result.artifacts["private_metrics"] = to_text(private)
    feedback = metrics.get("text_feedback")
    if feedback:
        result.note(to_text(feedback))

    if not isinstance(correct, dict):
        result.fail("the evaluator wrote no correct.json")
        return
    if not correct.get("correct"):
        result.valid = False
    if correct.get("error"):
        result.note(to_text(correct["error"]))
    if not result.valid and not result.feedback:
        result.note("the evaluator marked the candidate incorrect")


def claim_stdout():
    """Sends everything else printed to stderr; returns the real stdout.

    The fd-level swap also catches C code and child processes; WASI has no
    dup, so there only sys.stdout is swapped.
    """
    sys.stdout.flush()
    real = sys.stdout
    try:
        fd = os.dup(1)
        os.dup2(2, 1)
        real = os.fdopen(fd, "w", encoding="utf-8")
    except (OSError, AttributeError):
        pass
    sys.stdout = sys.stderr
    return real


def parse_args(argv):
    parser = argparse.ArgumentParser(description="Run one evaluator on one candidate.")
    parser.add_argument("--contract", required=True, choices=["openevolve", "shinka"])
    parser.add_argument("--evaluator", required=True)
    parser.add_argument("--program", required=True)
    parser.add_argument("--stage", type=int, default=0)
    parser.add_argument("--out", required=True)
    parser.add_argument("--function", default=None)
    parser.add_argument("--token-stdin", action="store_true",
                        help="read a token from stdin first and put it in the result line")
    args = parser.parse_args(argv)
    if args.stage < 0:
        parser.error("--stage must be 0 or more")
    return args


def main(argv):
    args = parse_args(argv)
    # The token is read before any evaluator or candidate code runs, so a
    # candidate that prints a result line of its own does not know it.
    token = sys.stdin.readline().strip() if args.token_stdin else ""
    sys.dont_write_bytecode = True  # the job directory may be read-only
    cwd = os.getcwd()
    evaluator = os.path.abspath(args.evaluator)
    program = os.path.abspath(args.program)
    out_path = os.path.abspath(args.out)

    lib = os.path.join(os.path.dirname(os.path.abspath(__file__)), "asi_lib")
    for i, folder in enumerate([lib, os.path.dirname(evaluator), os.path.dirname(program)]):
        if folder in sys.path[:i]:
            continue
        sys.path.insert(i, folder)

    real_stdout = claim_stdout()
    result = Result()
    if args.contract == "openevolve":
        run_openevolve(result, evaluator, program, args.stage, args.function)
    else:
        run_shinka(result, evaluator, program, os.path.join(cwd, ".asi_results"))

    line = json.dumps(result.to_dict(), allow_nan=True, default=str)
    try:
        with open(out_path, "w", encoding="utf-8") as f:
            f.write(line + "\n")
    except OSError:
        pass  # read-only filesystem: stdout carries the result alone
    sys.stderr.flush()
    real_stdout.write(RESULT_PREFIX + (token + " " if token else "") + line + "\n")
    real_stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1:])
    # Skip interpreter shutdown: threads the evaluator left running would
    # keep the process alive after the result is out.
    try:
        os._exit(0)
    except AttributeError:
        sys.exit(0)
