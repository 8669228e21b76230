def step(params, grads, state, t):
    return [float("nan")] * len(params), state
