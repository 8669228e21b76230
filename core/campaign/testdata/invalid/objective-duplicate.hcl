campaign "fronts" {
  task = "circlepacking"
}

objective "score" {
  direction = "maximize"
}

objective "score" { # ERROR: Duplicate objective
  direction = "minimize"
}
