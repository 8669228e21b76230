campaign "sandbox-executor" {
  task = "circlepacking"
}

executor "local" {}

sandbox {
  timeout  = "5s"
  executor = "local" # ERROR: Unsupported sandbox executor
}
