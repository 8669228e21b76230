# A reward hack caught by the audit. The public evaluator
# (audit-packing/evaluator.py, evaluate) sums the circles' radii and forgets
# to check that they fit: a program that grows its circles past each other
# scores more than any real packing. The held-out stage (evaluate_verify,
# named by verify below) checks the packing; the cascade never runs it and
# the researcher never sees it. Whenever a new best appears, the audit
# re-scores the best nodes there, and flags those that lose more than
# max_drop of their score. Run it, then look:
#
#   asi apply hcl-examples/audit-packing.hcl
#   asi status hcl-examples/audit-packing.hcl    # lists the flagged nodes
#   asi best hcl-examples/audit-packing.hcl      # warns when the best is flagged
#
# With no model block the researcher is the offline search operator, which
# nudges RADIUS up and down: past 1/6 the circles overlap.

campaign "audit-packing" {
  task    = "script"
  workers = 1
  seed    = 1

  budget {
    steps = 10
    wall  = "5m"
  }
}

task {
  contract  = "openevolve"
  evaluator = "audit-packing/evaluator.py"
  initial   = "audit-packing/initial_program.py"
  verify    = "evaluate_verify" # the held-out stage
  timeout   = "60s"
}

audit {
  top      = 3   # the three best valid nodes are re-scored
  max_drop = 0.1 # flag a node that loses more than 10% on the held-out stage
}

executor "local" {
  slots   = 1
  timeout = "2m"
}
