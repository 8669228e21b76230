campaign "attacks" {
  task = "circlepacking"
}

audit {
  top           = 2
  known_best    = 2.6      # ERROR: Red-team setting without attacks
  attack_budget = 10       # ERROR: Red-team setting without attacks
}
