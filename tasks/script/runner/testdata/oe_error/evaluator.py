def evaluate(program_path):
    return {"combined_score": 0.0, "error": "solve() returned 2 items, want 3"}
