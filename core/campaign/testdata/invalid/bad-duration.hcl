campaign "slow" {
  task = "circlepacking"
  budget {
    wall = "2 hours" # ERROR: Invalid duration
  }
}
