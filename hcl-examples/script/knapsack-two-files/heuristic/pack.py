"""A greedy knapsack packer: rank the items, take them while they fit."""
import params


# EVOLVE-BLOCK-START
def rank(value, weight):
    return (value ** params.VALUE_POWER + params.BONUS_PER_UNIT) / (weight ** params.WEIGHT_POWER + 0.5)


def fill_gap(items, chosen, room):
    return chosen
# EVOLVE-BLOCK-END


def pack(items, capacity):
    """Returns the indexes of the items taken; items are (value, weight)."""
    order = sorted(range(len(items)), key=lambda i: rank(*items[i]), reverse=True)
    chosen, room = [], capacity
    for i in order:
        if items[i][1] <= room:
            chosen.append(i)
            room -= items[i][1]
    return fill_gap(items, chosen, room)
