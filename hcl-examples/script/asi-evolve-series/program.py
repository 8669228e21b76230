"""Approximates pi with as few terms of a series as possible.

The score rewards digits of pi gained per term: a faster converging series
(or a clever acceleration) scores higher.
"""


# EVOLVE-BLOCK-START
def approximate_pi(terms=40):
    """Leibniz's series, averaged over its last two partial sums."""
    total, previous = 0.0, 0.0
    for k in range(terms):
        previous = total
        total += (-1) ** k * 4.0 / (2 * k + 1)
    return 0.5 * (total + previous)
# EVOLVE-BLOCK-END


if __name__ == "__main__":
    print(approximate_pi())
