campaign "fraction" {
  task = "circlepacking"
  budget {
    steps = 2.5 # ERROR: Invalid integer
  }
}
