campaign "ablate" {
  task    = "circlepacking"
  workers = 1 # one worker: the same seed gives the same run
  budget {
    steps = 3
  }
}

sandbox {
  memory  = "128MiB"
  timeout = "10s"
}
