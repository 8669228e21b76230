"""Circle packing: the harness around the evolved code."""
import math

# EVOLVE-BLOCK-START
def radii(n):
    out = []
    for i in range(n):
        out.append(0.1)
    return out


def centers(n):
    out = []
    for i in range(n):
        out.append((0.5, 0.5))
    return out
# EVOLVE-BLOCK-END


def main():
    out = []
    print(radii(26), centers(26))
    return out


# EVOLVE-BLOCK-START
STEPS = 10   
# EVOLVE-BLOCK-END
