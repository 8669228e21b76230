# Raises the recursion limit so CPython's own guard never fires, and recurses
# through a C function (map), so every level also takes C stack: the stack
# overflows instead.
import sys

sys.setrecursionlimit(10**7)


def down(n):
    return list(map(down, [n + 1]))


down(0)
