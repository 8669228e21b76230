campaign "prompts" {
  task = "circlepacking"
}

model "main" {
  provider = "offline"
}

model "writer" {
  provider = "offline"
}

roles {
  researcher = model.main
}

prompts {
  model       = model.writer
  every       = 5
  archive     = 4
  exploration = 0.5
}
