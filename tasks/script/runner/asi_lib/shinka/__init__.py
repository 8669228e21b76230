"""Stand-in for the shinka package: only what evaluators import (shinka.core).

asi puts this first on sys.path so an installed shinka never loads.
"""
