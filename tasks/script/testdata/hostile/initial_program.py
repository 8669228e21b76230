# EVOLVE-BLOCK-START
def attack():
    return {}
# EVOLVE-BLOCK-END
