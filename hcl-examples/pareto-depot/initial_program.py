"""Place a depot that serves two towns, one at (0, 0) and one at (4, 0).

Each town wants the depot close: the evaluator reports the squared distance
to each (to_west, to_east), and no single place is best for both. The
places worth keeping are those on the road between the towns (y = 0); the
depot below starts off it.
"""

# EVOLVE-BLOCK-START
def depot():
    """Returns the depot's position (x, y)."""
    x = 1.5
    y = 1.0
    return x, y
# EVOLVE-BLOCK-END
