campaign "embed" {
  task = "circlepacking"
}

model "embed" {
  base_url = "http://127.0.0.1:8000/v1"
  name     = "nomic-embed-text"
}

cognition {
  embedder = model.embed # ERROR: Missing embedding dimensions
}
