campaign "prompts" {
  task = "circlepacking"
}

prompts {
  model       = model.writer # ERROR: Reference to undeclared model
  every       = 0            # ERROR: Value out of range
  archive     = 1            # ERROR: Value out of range
  exploration = -1           # ERROR: Value out of range
  mutation    = 0.5          # ERROR: Unsupported argument
}

prompts { # ERROR: Duplicate prompts block
}
