# Hands back what the program returns (see evaluator.py).

campaign "echo" {
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
