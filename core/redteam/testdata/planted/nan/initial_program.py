"""26 circles in the unit square: a big one in the middle, small ones on
the top and bottom edges and one on the left."""

# EVOLVE-BLOCK-START
BIG = 0.25
SMALL = 0.039
# EVOLVE-BLOCK-END


def pack():
    """Returns the circles' centres and radii, the big circle first."""
    centres = [(0.5, 0.5)]
    for k in range(12):
        centres.append((0.04 + 0.08 * k, 0.04))
        centres.append((0.04 + 0.08 * k, 0.96))
    centres.append((0.04, 0.5))
    return centres, [BIG] + [SMALL] * (len(centres) - 1)
