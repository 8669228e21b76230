# Linear attention: discover a causal sequence mixer (the Mixer class of
# mixer.py) that beats DeltaNet on associative recall and text, at a cost
# linear in the sequence length. Run it with:
#
#   asi apply hcl-examples/linear-attention.hcl
#
# As written it needs no key and no network, and runs on CPU: jobs call
# /usr/bin/python3 with PyTorch (scripts/ci/install-torch.sh installs it).
# With no model block the researcher is the offline search operator, which
# tunes the constants of the EVOLVE block (the initial program is DeltaNet).
# Each node runs three stages, recorded per node as check_*, explore_* and
# verify_* metrics: check (seconds), explore (train a ~0.1M-parameter model
# for about 45 s on two cores, then measure it in a separate job), verify
# (skipped: no GPU executor). The first node, DeltaNet itself, is also the
# reference every score is measured against.

campaign "linear-attention" {
  task    = "linearattention"
  workers = 1
  seed    = 1

  # One explore evaluation takes about a minute on two cores; candidates
  # the check stage refuses cost seconds.
  budget {
    steps = 6
    wall  = "20m"
  }
}

task {
  python  = "/usr/bin/python3"
  threads = 2

  # explore: the size every candidate is trained at on this machine
  d_model = 64
  layers  = 2
  seq_len = 64
  batch   = 32
  steps   = 300
  pairs   = 8

  # verify: a ~20M-parameter model on a GPU. Uncomment the gpu executor
  # below and set verify_executor = "gpu" to run it.
  verify_executor = ""
  verify_d_model  = 512
  verify_layers   = 6
  verify_seq_len  = 256
  verify_steps    = 2000
}

# Every job runs here, one at a time, with no network (as root: as the
# user nobody), limited to 15 minutes.
executor "local" {
  slots   = 1
  timeout = "15m"
}

# executor "gpu" {
#   devices = [0]
# }

database {
  sampler  = "ucb1"
  sample_n = 3
}

cognition {
  seed  = ["../tasks/linearattention/cognition/*.md"]
  top_k = 3
}
