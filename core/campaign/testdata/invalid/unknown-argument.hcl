campaign "typo" {
  task   = "circlepacking"
  worker = 2 # ERROR: Unsupported argument
}
