campaign "audit" {
  task = "circlepacking"
}

audit {
  max_drop = -0.5        # ERROR: Value out of range
  rubric   = "look hard" # ERROR: Rubric without a judge
}
