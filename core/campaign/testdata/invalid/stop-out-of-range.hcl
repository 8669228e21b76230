campaign "stall" {
  task = "circlepacking"
}

stop {
  patience  = 0 # ERROR: Value out of range
  min_delta = -1 # ERROR: Value out of range
  responses = 0 # ERROR: Value out of range
  response  = "restart" # ERROR: Unknown stall response
  after     = 3 # ERROR: Unsupported argument
}
