// Package importer writes a campaign file for a folder made for another
// system: an OpenEvolve example (initial_program.py, evaluator.py,
// config.yaml), a ShinkaEvolve task (initial.py, evaluate.py, an optional
// shinka.yaml) or an ASI-Evolve experiment (eval.sh, the program, an
// optional config.yaml). The campaign runs the folder's evaluator unchanged
// through the script task; every setting of the folder's configuration
// becomes an attribute, or a comment saying it has no counterpart.
package importer
