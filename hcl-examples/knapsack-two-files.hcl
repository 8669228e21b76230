# A program of two files evolved together: a greedy knapsack packer
# (script/knapsack-two-files/heuristic/pack.py) and the weights it ranks
# items by (heuristic/params.py). Each file has its own EVOLVE block; an
# edit names the file it changes. Run it with:
#
#   asi apply hcl-examples/knapsack-two-files.hcl
#   asi best -o packer hcl-examples/knapsack-two-files.hcl   # writes both files
#
# The evaluator is asi's simplest contract: a command that prints one JSON
# object of metrics (score.py). It runs the packer in a child process and
# checks every answer against the instances' optimum. Each evaluation is a
# job in the local executor's jail, with the machine's /usr/bin/python3.
# With no model block the researcher is the offline search operator.

campaign "knapsack-two-files" {
  task    = "script"
  workers = 1
  seed    = 1

  budget {
    steps = 12
    wall  = "5m"
  }
}

# The script task runs evaluators as they are; paths are relative to this
# file.
task {
  contract = "json"
  command  = ["python3", "score.py", "{program}"]
  folder   = "script/knapsack-two-files"
  initial  = "script/knapsack-two-files/heuristic" # a folder: every file evolves
  entry    = "pack.py"
  primary  = "score"
  metrics  = ["worst"]
  timeout  = "60s"
}

# Every evaluation is a job here: a jail with no network, its own /tmp,
# the job's folder the only place it may write.
executor "local" {
  slots   = 1
  timeout = "2m"
}
