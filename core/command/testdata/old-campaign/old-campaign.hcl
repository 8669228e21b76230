# A campaign run by asi 7a2c563 (the previous release); its campaign.db is
# the fixture resume_old_test.go opens with the current code.
campaign "old-campaign" {
  task    = "circlepacking"
  workers = 1
  seed    = 1

  budget {
    steps = 12
  }
}

task {
  language = "go"
}

database {
  sampler  = "ucb1"
  sample_n = 3
}

sandbox {
  memory  = "128MiB"
  timeout = "10s"
}
