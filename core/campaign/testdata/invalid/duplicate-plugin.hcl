campaign "plugins" {
  task = "circlepacking"
}

plugin "circlepacking" {
  path = "a"
}
plugin "circlepacking" { # ERROR: Duplicate plugin block
  path = "b"
}
