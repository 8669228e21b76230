campaign "cognition" {
  task = "circlepacking"
}

cognition {
  store = "weaviate"
  url   = "127.0.0.1:8080" # ERROR: Invalid url
}
