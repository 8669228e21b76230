campaign "cognition" {
  task = "circlepacking"
}

cognition {
  seed = ["notes/[a-.md"] # ERROR: Invalid glob
}
