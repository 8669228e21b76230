def run_experiment(seed=0):
    return [seed, seed + 1]
