campaign "first" {
  task = "circlepacking"
}

campaign "second" { # ERROR: Duplicate campaign block
  task = "circlepacking"
}
