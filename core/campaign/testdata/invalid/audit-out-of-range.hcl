campaign "audit" {
  task = "circlepacking"
}

audit {
  top      = 0              # ERROR: Value out of range
  max_drop = 0              # ERROR: Value out of range
  judge    = model.nobody   # ERROR: Reference to undeclared model
  stages   = ["verify"]     # ERROR: Unsupported argument
}

audit { # ERROR: Duplicate audit block
}
