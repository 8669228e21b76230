# Expressions may call env() and the standard functions.
campaign "functions" {
  task    = lower("CirclePacking")
  workers = max(1, 3)
  seed    = abs(-5)
}

cognition {
  seed = concat(["a/*.md"], [format("%s/*.md", "b")])
}
