# Symbolic regression with the example plugin. From this directory:
#
#   go build                # builds ./symreg
#   asi apply campaign.hcl  # offline: no model block, no key
campaign "symreg" {
  task    = "symreg"
  workers = 2
  seed    = 1
  budget {
    steps = 20
  }
}

# The plugin binary, relative to this file.
plugin "symreg" {
  path = "./symreg"
}

# Settings the task checks in Configure.
task {
  points = 40
}

sandbox {
  memory  = "64MiB"
  timeout = "10s"
}
