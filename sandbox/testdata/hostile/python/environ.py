# Prints every environment variable it can see.
import os

print(sorted(os.environ))
