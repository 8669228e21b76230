# Optimizer: evolve the update rule step(params, grads, state, t) that trains
# four kinds of small problems (an ill-conditioned quadratic, Rosenbrock,
# logistic regression, a tanh MLP), drawn afresh from each evaluation's
# seed. The score is the mean log10 of Adam's held-out loss over the
# candidate's: 0 matches Adam, higher is better. Run it with:
#
#   asi apply hcl-examples/optimizer.hcl
#
# As written it needs no key and no network: with no model block the
# researcher is the offline search operator, which tunes the constants of
# the EVOLVE block (the initial program is SGD with momentum).

campaign "optimizer" {
  task    = "optimizer"
  workers = 2
  seed    = 1

  budget {
    steps  = 60
    wall   = "240s"
    target = 0.5 # stop once the best is 3x better than Adam on average
  }
}

# Settings of the task plugin (bin/asi-task-optimizer).
task {
  language  = "python" # the harness and the step function: "python" or "go"
  steps     = 200      # updates per problem
  instances = 3        # problems of each kind per evaluation
}

# To let an LLM write the update rules, add a model and the roles (see
# hcl-examples/circle-packing.hcl).

database {
  sampler  = "ucb1"
  sample_n = 3
}

# Priors for the researcher: short notes on what makes optimizers work.
cognition {
  seed  = ["../tasks/optimizer/cognition/*.md"]
  top_k = 3
}

# One evaluation trains 12 problems in sandboxed Python: about 3-4 seconds.
sandbox {
  memory  = "256MiB"
  timeout = "30s"
}
