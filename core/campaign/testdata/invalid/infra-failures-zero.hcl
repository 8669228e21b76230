campaign "none" {
  task               = "circlepacking"
  max_infra_failures = 0 # ERROR: Value out of range
}
