campaign "roles" {
  task = "circlepacking"
}

model "main" {
  provider = "offline"
}

roles {
  researcher = "main" # ERROR: Invalid model reference
}
