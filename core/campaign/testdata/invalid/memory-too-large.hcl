campaign "memory" {
  task = "circlepacking"
}

sandbox {
  memory = "8GiB" # ERROR: Value out of range
}
