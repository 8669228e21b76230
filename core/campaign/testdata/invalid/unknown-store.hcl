campaign "cognition" {
  task = "circlepacking"
}

cognition {
  store = "embeded" # ERROR: Unknown cognition store
}
