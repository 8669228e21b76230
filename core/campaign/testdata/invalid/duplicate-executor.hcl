campaign "executors" {
  task = "circlepacking"
}

executor "local" {}
executor "local" {} # ERROR: Duplicate executor block
