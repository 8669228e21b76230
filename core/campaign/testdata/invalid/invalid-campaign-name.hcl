campaign "my campaign/1" { # ERROR: Invalid campaign name
  task = "circlepacking"
}
