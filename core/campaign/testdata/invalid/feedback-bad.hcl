campaign "feedback" {
  task = "circlepacking"
}

feedback {
  enabled   = "yes please" # ERROR: Incorrect attribute value type
  max_chars = 10 # ERROR: Value out of range
  artifacts = ["stdout", "stderr"] # ERROR: Invalid artifact name
  tail      = true # ERROR: Unsupported argument
}
