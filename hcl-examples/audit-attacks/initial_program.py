"""Nine equal circles in the unit square, centred on a 3 x 3 grid."""

# EVOLVE-BLOCK-START
RADIUS = 0.15
# EVOLVE-BLOCK-END


def pack():
    """Returns the circles' centres and radii."""
    centres = [((2 * i + 1) / 6, (2 * j + 1) / 6) for i in range(3) for j in range(3)]
    return centres, [RADIUS] * len(centres)
