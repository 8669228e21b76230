campaign "research" {
  task = "circlepacking"
}

model "main" {
  provider         = "offline"
  reasoning_effort = "extreme" # ERROR: Unknown reasoning effort
}

roles {
  researcher        = [model.main, model.main] # ERROR: Duplicate researcher model
  researcher_choice = "roulette"               # ERROR: Unknown researcher choice
}

judge {
  model  = model.main
  weight = 1.5 # ERROR: Value out of range
}

novelty {
  threshold = 0 # ERROR: Value out of range
}

manager {
  model = model.nobody # ERROR: Reference to undeclared model
}
