campaign "attacks" {
  task = "circlepacking"
}

model "main" {
  provider = "openai"
  name     = "gpt-5-mini"
}

audit {
  attacks   = false
  adversary = model.main     # ERROR: Adversary with attacks off
}

roles {
  researcher = model.main
}
