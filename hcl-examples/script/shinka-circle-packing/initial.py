"""Packs 26 circles into the unit square, maximising the sum of their radii.

A ring construction: one circle in the middle, rings around it, and each
radius grown as far as its neighbours and the walls allow.
"""
import math

N = 26


# EVOLVE-BLOCK-START
def place_centers():
    centers = [(0.5, 0.5)]
    rings = [(8, 0.22), (17, 0.42)]
    for count, radius in rings:
        for k in range(count):
            angle = 2 * math.pi * k / count + 0.1
            x = 0.5 + radius * math.cos(angle)
            y = 0.5 + radius * math.sin(angle)
            centers.append((min(max(x, 0.04), 0.96), min(max(y, 0.04), 0.96)))
    return centers[:N]
# EVOLVE-BLOCK-END


def grow_radii(centers):
    """The largest radii that keep circles apart and inside the square."""
    radii = [min(x, y, 1 - x, 1 - y) for x, y in centers]
    for _ in range(60):
        for i, (xi, yi) in enumerate(centers):
            for j, (xj, yj) in enumerate(centers):
                if i < j:
                    d = math.hypot(xi - xj, yi - yj)
                    if radii[i] + radii[j] > d:
                        scale = d / (radii[i] + radii[j])
                        radii[i] *= scale
                        radii[j] *= scale
    return radii


def run_packing():
    centers = place_centers()
    radii = grow_radii(centers)
    return centers, radii, sum(radii)
