campaign "memory" {
  task = "circlepacking"
}

sandbox {
  memory = "256 megs" # ERROR: Invalid byte size
}
