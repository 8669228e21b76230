campaign "prompts-offline" {
  task    = "circlepacking"
  workers = 1
  budget {
    steps = 6
  }
}

prompts {
  every   = 2
  archive = 2
}

sandbox {
  memory  = "128MiB"
  timeout = "10s"
}
