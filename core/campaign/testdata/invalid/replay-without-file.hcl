campaign "replay" {
  task = "circlepacking"
}

model "recorded" {
  provider = "replay" # ERROR: Missing replay file
}

roles {
  researcher = model.recorded
}
