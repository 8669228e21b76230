campaign "shared" {
  task = "circlepacking"
}

cognition {
  store      = "weaviate"
  url        = "http://127.0.0.1:8080"
  collection = "circle packing" # ERROR: Invalid collection name
}
