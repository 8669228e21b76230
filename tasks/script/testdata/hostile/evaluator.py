"""An evaluator that imports a hostile candidate and reports what its
attack achieved, as metrics; the test checks the host, not only these."""
import importlib.util


def evaluate(program_path):
    spec = importlib.util.spec_from_file_location("candidate", program_path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    achieved = module.attack()
    return {"combined_score": 1.0, **{k: float(v) for k, v in achieved.items()}}
