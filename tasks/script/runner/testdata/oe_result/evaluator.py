from openevolve.evaluation_result import EvaluationResult


def evaluate(program_path):
    with open(program_path) as f:
        lines = len(f.read().splitlines())
    result = EvaluationResult(
        metrics={"combined_score": 0.5, "lines": lines},
        artifacts={"stderr": "warning: slow", "raw": b"caf\xc3\xa9 \xff"},
    )
    assert result.has_artifacts() and result.get_artifact_size("raw") == 7
    return result
