def evaluate_stage1(program_path):
    return {"stage1_passed": 1.0, "combined_score": 0.1}


def evaluate_stage2(program_path):
    return {"stage2_passed": 1.0, "combined_score": 0.2}


def evaluate(program_path):
    return {"combined_score": 0.9}


def evaluate_verify(program_path):
    return {"verified": 1.0, "combined_score": 0.05}
