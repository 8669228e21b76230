campaign "attacks" {
  task = "circlepacking"
}

model "redteam" {
  provider = "openai"
  name     = "gpt-5-mini"
}

audit {
  adversary     = model.redteam
  attack_budget = 0
  known_best    = 2.635
  margin        = 0.2
}
