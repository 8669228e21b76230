# Data curation: evolve curate(doc) -> (keep, text), a filter and cleaner
# for a small web-like corpus (clean articles mixed with boilerplate, spam,
# duplicates, markup debris, fragments and garbled text). The task trains a
# word trigram model on what is kept and scores its probe accuracy and
# held-out perplexity: keeping everything scores 0.58, higher is better.
# Run it with:
#
#   asi apply hcl-examples/data-curation.hcl
#
# As written it needs no key and no network: with no model block the
# researcher is the offline search operator, which tunes the thresholds of
# the initial filter (which, as shipped, keeps everything).

campaign "data-curation" {
  task    = "datacuration"
  workers = 2
  seed    = 1

  budget {
    steps  = 80
    wall   = "180s"
    target = 1.2 # above what a careful hand-written filter reaches (1.08)
  }
}

# Settings of the task plugin (bin/asi-task-datacuration).
task {
  language = "python" # the harness and curate(): "python" or "go"
  min_keep = 0.5      # keeping less text than half the clean articles hold costs score
}

# To let an LLM write the filters, add a model and the roles (see
# hcl-examples/circle-packing.hcl).

database {
  sampler  = "ucb1"
  sample_n = 3
}

# Priors for the researcher: short notes on what makes training data good.
cognition {
  seed  = ["../tasks/datacuration/cognition/*.md"]
  top_k = 3
}

# The harness reads the whole corpus (about 0.5 MB) and may print cleaned
# text for every document.
sandbox {
  memory       = "256MiB"
  timeout      = "20s"
  output_limit = "4MiB"
}
