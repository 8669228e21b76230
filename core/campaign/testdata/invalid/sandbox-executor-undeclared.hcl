campaign "sandbox-executor" {
  task = "circlepacking"
}

sandbox {
  executor = "slurm" # ERROR: Undeclared sandbox executor
}

executor "local" {}
