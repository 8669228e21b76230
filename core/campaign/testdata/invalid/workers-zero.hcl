campaign "none" {
  task    = "circlepacking"
  workers = 0 # ERROR: Value out of range
}
