campaign "stall" {
  task = "circlepacking"
}

model "main" {
  provider = "offline"
}

roles {
  researcher = model.main
}

stop {
  patience = 5
  response = "switch_model" # ERROR: Switch model needs several researchers
}
