campaign "cognition" {
  task = "circlepacking"
}

cognition {
  store = "weaviate" # ERROR: Missing weaviate url
}
