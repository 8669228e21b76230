# Circle packing with a shared cognition base: the priors and every lesson
# an analyzer model writes back live in a Weaviate server, so campaigns on
# other machines (or later campaigns here) start from what this one learned.
# As written the file runs offline, and the offline analyzer's insights (no
# model wrote them) stay out of the shared base: set
# share_offline_insights = true in the cognition block to share them, tagged
# "offline".
# Start a Weaviate server first (docs/cognition.md says how), then:
#
#   asi apply hcl-examples/circle-packing-weaviate.hcl
#
# If the server goes away during the run, each step warns and designs
# without it; lessons are queued in the campaign database and written when
# the server is back.

campaign "circle-packing-weaviate" {
  task    = "circlepacking"
  workers = 2
  seed    = 1

  budget {
    steps = 100
    wall  = "120s"
  }
}

cognition {
  store      = "weaviate"
  url        = "http://127.0.0.1:8080"
  collection = "CirclePacking" # campaigns naming one collection share it
  seed       = ["cognition/*.md"]
  top_k      = 3
  min_score  = 0.05
}

sandbox {
  memory  = "128MiB"
  timeout = "10s"
}
