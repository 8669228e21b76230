import json

# EVOLVE-BLOCK-START
TEXT = '{"centers": [[0.1, 0.2], [0.3, 0.4]], "radii": [0.1, 0.2]}'
# EVOLVE-BLOCK-END


def value():
    return json.loads(TEXT)
