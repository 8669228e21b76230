# The circle-packing initial program needs more memory at start than the
# sandbox gives it, so it fails before any step.
campaign "initial-fails" {
  task = "circlepacking"
  budget {
    steps = 3
  }
}

sandbox {
  memory = "1MiB"
}
