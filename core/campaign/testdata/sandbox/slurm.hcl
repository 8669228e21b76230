campaign "sandbox-on-slurm" {
  task = "circlepacking"
}

# The sandbox block may come before the executor block it names.
sandbox {
  timeout  = "5s"
  executor = "slurm"
}

executor "slurm" {
  partition = "debug"
}
