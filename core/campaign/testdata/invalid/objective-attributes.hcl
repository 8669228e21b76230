campaign "fronts" {
  task = "circlepacking"
}

objective "score" {
  direction = "up" # ERROR: Unknown direction
  weight    = -1   # ERROR: Value out of range
}

objective "cost" {
  direction = "minimize"
  reference = "high" # ERROR: Incorrect attribute value type
  budget    = 3      # ERROR: Unsupported argument
}

objective "size" { # ERROR: Missing required argument
}
