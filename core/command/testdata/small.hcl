campaign "small" {
  task    = "circlepacking"
  workers = 2
  budget {
    steps = 4
  }
}

sandbox {
  memory  = "128MiB"
  timeout = "10s"
}
