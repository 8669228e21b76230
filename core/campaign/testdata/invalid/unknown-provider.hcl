campaign "provider" {
  task = "circlepacking"
}

model "main" {
  provider = "opnai" # ERROR: Unknown provider
  name     = "gpt-5-mini"
}

roles {
  researcher = model.main
}
