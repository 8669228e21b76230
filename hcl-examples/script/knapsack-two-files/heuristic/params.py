"""Weights of the greedy packer's ranking."""

# EVOLVE-BLOCK-START
VALUE_POWER = 1.0
WEIGHT_POWER = 0.5
BONUS_PER_UNIT = 0.0
# EVOLVE-BLOCK-END
