# Circle packing: place 26 circles in the unit square so that the sum of their
# radii is as large as possible. Run it with:
#
#   asi apply hcl-examples/circle-packing.hcl
#
# As written it needs no key and no network: with no model block, every role
# uses the built-in offline provider.

# The campaign: which task to improve, how many steps run at once, and when to
# stop. The label names the campaign's directory (.asi/circle-packing/).
campaign "circle-packing" {
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

# Limits for each candidate program, which runs in the wazero sandbox.
sandbox {
  memory  = "128MiB"
  timeout = "10s"
}
