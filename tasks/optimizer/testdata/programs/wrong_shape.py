def step(params, grads, state, t):
    return [p - 0.01 * g for p, g in zip(params, grads)][:-1], state
