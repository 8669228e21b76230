campaign "roles" {
  task = "circlepacking"
}

model "main" {
  provider = "offline"
}

roles {
  researcher = model.main
  analyzer   = model.mian # ERROR: Reference to undeclared model
}
