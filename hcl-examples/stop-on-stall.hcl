# Circle packing that stops once it no longer improves. Run it with:
#
#   asi apply hcl-examples/stop-on-stall.hcl
#
# The stop block watches the best sum of radii: after 4 steps in a row
# without a gain, the island sampler reseeds its weakest island with
# programs spread over the whole archive's scores, and the count starts
# again; the next 4 steps without a gain stop the campaign ("no improvement
# within the stop patience"). A resumed campaign counts on from the stored
# nodes. As written it needs no key and no network (offline researcher).

campaign "stop-on-stall" {
  task    = "circlepacking"
  workers = 1
  seed    = 3

  budget {
    steps = 30
    wall  = "2m"
  }
}

task {
  language = "go"
}

# reseed needs a sampler with islands: island or island_map_elites.
database {
  sampler            = "island"
  islands            = 2
  migration_interval = 8
}

stop {
  patience  = 4        # stored steps without a gain of more than min_delta
  min_delta = 0.001    # gains this small do not count
  response  = "reseed" # or "none", "temperature", "switch_model"
  responses = 1        # reseed once; the next stall stops the campaign
}

# What each context node's evaluation left is shown to the researcher: the
# evaluator's feedback and the tail of the candidate's stderr. This block
# only tunes it (it is on by default).
feedback {
  max_chars = 1500
}

sandbox {
  memory  = "128MiB"
  timeout = "10s"
}
