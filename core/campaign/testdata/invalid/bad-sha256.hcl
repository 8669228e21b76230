campaign "plugins" {
  task = "circlepacking"
}

plugin "circlepacking" {
  path   = "a"
  sha256 = "not-hex" # ERROR: Invalid sha256
}
