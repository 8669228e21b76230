# Prompt evolution: the researcher's system prompt is one of an archive of
# variants, picked each step by a UCB bandit on the score gains of the
# programs each variant produced; every few steps a new variant is written
# from the best and the worst recent programs' analyses. Run it with:
#
#   asi apply hcl-examples/prompt-evolution.hcl
#   asi status hcl-examples/prompt-evolution.hcl   # the variants, their uses and credit
#   asi export -prompts hcl-examples/prompt-evolution.hcl
#
# As written it runs offline, and offline it shows the machinery only: the
# offline researcher edits numbers without reading any prompt, so which
# variant it is "shown" does not change its edits. The offline rules still
# write new variants (the best variants' sentences, recombined, plus one
# lesson from the analyses), the bandit still credits and picks them, and
# the full archive still retires its worst variant.
#
# With a model (uncomment the model and roles blocks) the variant is the
# researcher's system message, so a variant that leads to better edits
# earns more credit and is shown more often; with model = model.main in the
# prompts block, the model writes the new variants instead of the rules.
# `asi ablate -off prompts` measures what that is worth.

campaign "prompt-evolution" {
  task    = "circlepacking"
  workers = 1 # one worker: each pick sees every earlier node's credit
  seed    = 1

  budget {
    steps = 24
    wall  = "120s"
  }
}

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

prompts {
  # model     = model.main # writes new variants; without it the offline rules do
  every       = 4     # a new variant after every 4th step
  archive     = 4     # variants in use at once; a full archive retires its worst
  exploration = 1.414 # the UCB constant: higher tries the less used variants more
}

sandbox {
  memory  = "128MiB"
  timeout = "10s"
}
