campaign "sandbox-executor" {
  task = "circlepacking"
}

sandbox {
  executor = "" # ERROR: Missing sandbox executor
}
