def evaluate_stage1(program_path):
    return {"combined_score": 1.0, "log": "START" + "x" * 100000 + "END"}


def evaluate_stage2(program_path):
    raise ValueError("START" + "y" * 40000 + "END")
