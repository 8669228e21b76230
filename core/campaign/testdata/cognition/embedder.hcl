campaign "embed" {
  task = "circlepacking"
}

model "embed" {
  base_url = "http://127.0.0.1:8000/v1"
  name     = "nomic-embed-text"
}

cognition {
  store      = "weaviate"
  url        = "http://127.0.0.1:8080"
  collection = "SharedPacking"
  embedder   = model.embed
  dimensions = 768
  seed       = ["priors/*.md"]
  top_k      = 4
  min_score  = 0.2

  share_offline_insights = true
}
