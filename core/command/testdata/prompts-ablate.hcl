# A researcher whose edits are good only when its system prompt names
# outerRingRadius: the prompts model (the same scripted server) proposes
# such a prompt after the first step.
campaign "prompts-ablate" {
  task    = "circlepacking"
  workers = 1
  budget {
    steps = 3
  }
}

model "scripted" {
  provider = "openai"
  base_url = env("ASI_TEST_OPENAI_URL")
  api_key  = env("ASI_TEST_OPENAI_KEY")
  name     = "scripted"
}

roles {
  researcher  = model.scripted
  max_repairs = 0
}

prompts {
  model = model.scripted
  every = 1
}

sandbox {
  memory  = "128MiB"
  timeout = "10s"
}
