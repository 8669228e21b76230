campaign "attacks" {
  task = "circlepacking"
}

audit {
  adversary = model.nobody     # ERROR: Reference to undeclared model
  margin    = -2               # ERROR: Value out of range
}
