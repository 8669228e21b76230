campaign "research" {
  task = "circlepacking"
  budget {
    usd = 5
  }
}

model "big" {
  name             = "gpt-5"
  weight           = 1
  reasoning_effort = "high"
}

model "small" {
  name   = "gpt-5-mini"
  weight = 3
}

model "judge" {
  provider = "replay"
  file     = "judge.jsonl"
}

roles {
  researcher        = [model.big, model.small]
  researcher_choice = "ucb"
  analyzer          = model.small
  max_repairs       = 2
}

cascade {
  thresholds = { quick = 0.5, full = 2.0 }
}

judge {
  model  = model.judge
  weight = 0.3
  rubric = "elegance: 0 to 10"
}

novelty {
  threshold = 0.95
  confirm   = model.small
}

manager {
  model = model.big
  every = 5
}
