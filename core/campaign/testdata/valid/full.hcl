# Every block and argument, set away from its default.
campaign "full.v2_test" {
  task    = "circlepacking"
  workers = 4
  seed    = 7

  max_infra_failures = 3

  budget {
    steps  = 200
    wall   = "2h"
    tokens = 1000000
    usd    = 20
    target = 2.635
  }
}

model "main" {
  provider     = "openai"
  base_url     = "http://127.0.0.1:8000/v1"
  api_key      = env("ASI_TEST_UNSET_KEY")
  name         = "gpt-5-mini"
  temperature  = 0.7
  max_tokens   = 4096
  timeout      = "120s"
  price_input  = 0.25
  price_output = 2.0
  record       = "llm-calls.jsonl"
}

model "cheap" {
  provider = "replay"
  file     = "llm-calls.jsonl"
}

roles {
  researcher  = model.main
  analyzer    = model["cheap"]
  max_repairs = 2
}

database {
  sampler            = "island"
  sample_n           = 4
  islands            = 3
  migration_interval = 20
  migration_rate     = 0.25
  exploration        = 2
  grid_bins          = 8
}

cognition {
  store     = "weaviate"
  url       = "http://127.0.0.1:8080"
  seed      = ["cognition/*.md", "notes/**.txt"]
  top_k     = 7
  min_score = 0.3
}

sandbox {
  memory       = "1.5GiB"
  timeout      = "45s"
  output_limit = 65536
}

executor "local" {}

executor "slurm" {
  partition = "gpu"
}

plugin "circlepacking" {
  path   = "plugins/asi-task-circlepacking"
  sha256 = "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"
}

task {
  language = "go"
  weights  = [1, 2]
}
