# A planted-hole evaluator for the red team's tests (see evaluator.py).
# known_best: 2.635983
# The best known sum of radii for 26 circles in the unit square.

campaign "planted-nan" {
  task = "script"
  seed = 1

  budget {
    steps = 1
  }
}

task {
  contract  = "openevolve"
  evaluator = "evaluator.py"
  initial   = "initial_program.py"
  isolation = "wasm"
  timeout   = "30s"
}
