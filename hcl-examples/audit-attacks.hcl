# An evaluator hole found by the red team. The evaluator
# (audit-attacks/evaluator.py) sums the radii of nine circles and checks
# that each lies inside the unit square, but not how many there are nor
# that they stay apart, as the evaluator of OpenEvolve's issue #183 did.
# With attacks = true, whenever a new best node appears the red team
# attacks the evaluator from it: programs that return that node's circles
# changed (NaN, huge, duplicated, collapsed, ...), then an optimiser that
# changes the numbers freely, each run through the evaluator in the wasm
# sandbox. An attack it scores past known_best is a finding. Run it, then
# look:
#
#   asi apply hcl-examples/audit-attacks.hcl
#   asi status hcl-examples/audit-attacks.hcl    # the red team line and its findings
#   asi best hcl-examples/audit-attacks.hcl      # warns while findings exist
#
# The task has no held-out stage, so the audit runs the red team alone.
# With no model block the researcher is the offline search operator and
# the red team runs its offline attacks only.

campaign "audit-attacks" {
  task    = "script"
  workers = 1
  seed    = 1

  budget {
    steps = 2
    wall  = "5m"
  }
}

task {
  contract  = "openevolve"
  evaluator = "audit-attacks/evaluator.py"
  initial   = "audit-attacks/initial_program.py"
  isolation = "wasm"
  timeout   = "60s"
}

audit {
  attacks       = true
  attack_budget = 10
  # Nine circles inside the unit square that do not overlap cover at most
  # its area: pi * sum(r^2) <= 1, so sum(r) <= sqrt(9 / pi) = 1.6926.
  known_best = 1.6926
}
