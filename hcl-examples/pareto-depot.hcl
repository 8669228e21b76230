# Two objectives at once: a depot that serves two towns, each wanting it
# close. No single place is best for both, so the campaign keeps a Pareto
# front (the places no other place beats on both distances) instead of one
# best node, and parents are drawn from it. Run it with:
#
#   asi apply hcl-examples/pareto-depot.hcl
#   asi status hcl-examples/pareto-depot.hcl        # front size, hypervolume
#   asi best -front hcl-examples/pareto-depot.hcl   # every node of the front
#   asi best hcl-examples/pareto-depot.hcl          # the preferred one
#
# The evaluator (pareto-depot/evaluator.py) follows the openevolve
# contract and runs in the sandbox's Python compiled to WebAssembly, so the
# campaign needs no executor. With no model block the researcher is the
# offline search operator, which moves the numbers in the EVOLVE block.

campaign "pareto-depot" {
  task    = "script"
  workers = 1
  seed    = 1

  budget {
    steps = 20
    wall  = "2m"
  }
}

task {
  contract  = "openevolve"
  evaluator = "pareto-depot/evaluator.py"
  initial   = "pareto-depot/initial_program.py"
  isolation = "wasm"
  metrics   = ["to_west", "to_east"]
}

# One block per objective. The hypervolume is the area the front beats
# from a reference point: each objective's reference, else the initial
# program's value. Both towns are 4 apart, so 16 is a depot at the far town.
objective "to_west" {
  direction = "minimize"
  reference = 16
}

objective "to_east" {
  direction = "minimize"
  reference = 16
  weight    = 1 # its share when `asi best` picks one node of the front
}

database {
  sampler  = "pareto" # binary tournament on front rank, then crowding
  sample_n = 3
}
