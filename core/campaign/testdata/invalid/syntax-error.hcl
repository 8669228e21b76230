campaign "syntax" {
  task = "circlepacking"
  workers = # ERROR: Invalid expression
}
