campaign "stall" {
  task = "circlepacking"
}

stop { # ERROR: Missing required argument
  response = "none"
}
