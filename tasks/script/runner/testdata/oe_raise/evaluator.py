def helper(n):
    return 1 / n


def evaluate(program_path):
    return {"combined_score": helper(0)}
