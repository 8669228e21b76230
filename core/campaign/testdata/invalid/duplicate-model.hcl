campaign "models" {
  task = "circlepacking"
}

model "main" {
  provider = "offline"
}

model "main" { # ERROR: Duplicate model block
  provider = "offline"
}

roles {
  researcher = model.main
}
