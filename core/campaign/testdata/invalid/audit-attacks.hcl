campaign "attacks" {
  task = "circlepacking"
}

model "off" {
  provider = "offline"
}

audit {
  attacks       = true
  attack_budget = -1            # ERROR: Value out of range
  margin        = 0             # ERROR: Value out of range
  adversary     = model.off     # ERROR: Offline adversary
}
