# Spins forever without calling the host: only a kill stops it.
n = 0
while True:
    n += 1
