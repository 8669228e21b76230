import importlib.util


def evaluate(program_path):
    spec = importlib.util.spec_from_file_location("candidate", program_path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = module.solve()
    return {
        "combined_score": float(sum(out)),
        "length": len(out),
        "sorted": out == sorted(out),
        "note": "three items",
    }
