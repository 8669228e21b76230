# Circle packing with Python candidates: the campaign of circle-packing.hcl,
# but the researcher writes Python, which the sandbox runs with CPython
# compiled to WebAssembly. Build that runtime once with `make python-wasm`,
# then run:
#
#   asi apply hcl-examples/circle-packing-python.hcl
#
# As written it needs no key and no network: with no model block, every role
# uses the built-in offline provider.

# The campaign: which task to improve, how many steps run at once, and when to
# stop. The label names the campaign's directory (.asi/circle-packing-python/).
campaign "circle-packing-python" {
  task    = "circlepacking"
  workers = 2
  seed    = 1

  # The campaign stops at whichever limit it reaches first; leave a limit out
  # for none.
  budget {
    steps  = 300
    wall   = "150s"
    target = 2.635 # stop once the best sum of radii reaches this
  }
}

# Settings for the task plugin (bin/asi-task-circlepacking, which `make build`
# puts beside bin/asi). The plugin checks them: `asi plan` reports a bad one.
task {
  language = "python" # the language candidates are written in: go or python
}

# A plugin block pins where a task's binary is, and its checksum:
#
# plugin "circlepacking" {
#   path   = "../bin/asi-task-circlepacking"
#   sha256 = "..." # sha256sum bin/asi-task-circlepacking
# }

# To use a real model, uncomment these two blocks. Any OpenAI-compatible
# server works; the key is read from the environment, never written here.
#
# model "main" {
#   provider = "openai"
#   base_url = env("OPENAI_BASE_URL")
#   api_key  = env("OPENAI_API_KEY")
#   name     = "gpt-5-mini"
# }
#
# roles {
#   researcher = model.main
#   analyzer   = model.main
# }

# The program database: how the context programs of each step are chosen.
# ucb1 balances improving the best programs against trying rarely used ones.
database {
  sampler  = "ucb1"
  sample_n = 3
}

# The cognition base: priors shown to the researcher at every step, and the
# lessons the analyzer learns written back. Stored in the campaign database.
cognition {
  seed  = ["cognition/*.md"]
  top_k = 3
}

# Limits for each candidate program, which runs in the wazero sandbox (the
# interpreter and its standard library fit well within them).
sandbox {
  memory  = "128MiB"
  timeout = "10s"
}
