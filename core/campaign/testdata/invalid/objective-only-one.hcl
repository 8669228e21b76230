campaign "fronts" {
  task = "circlepacking"
}

objective "score" { # ERROR: Only one objective
  direction = "maximize"
}
