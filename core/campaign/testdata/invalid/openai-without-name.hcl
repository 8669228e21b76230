campaign "unnamed" {
  task = "circlepacking"
}

model "main" { # ERROR: Missing model name
  base_url = "http://127.0.0.1:8000/v1"
}

roles {
  researcher = model.main
}
