# Adam with the evaluator's hyperparameters.
def step(params, grads, state, t):
    if state is None:
        state = ([0.0] * len(params), [0.0] * len(params))
    m, v = state
    m = [0.9 * mi + 0.1 * g for mi, g in zip(m, grads)]
    v = [0.999 * vi + 0.001 * g * g for vi, g in zip(v, grads)]
    c1, c2 = 1 - 0.9 ** t, 1 - 0.999 ** t
    new = [p - 0.05 * (mi / c1) / (math.sqrt(vi / c2) + 1e-8) for p, mi, vi in zip(params, m, v)]
    return new, (m, v)
