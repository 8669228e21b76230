campaign "types" {
  task    = "circlepacking"
  workers = "many" # ERROR: Incorrect attribute value type
}
