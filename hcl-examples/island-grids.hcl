# Circle packing with islands of MAP-Elites grids. Run it with:
#
#   asi apply hcl-examples/island-grids.hcl
#
# The circlepacking task reports two feature dimensions for each program:
# the spread of its radii (radius_std) and how far its circles sit from the
# centre (center_distance). Each island keeps its own grid over them, the
# best program of each cell; steps visit the islands in turn and edit the
# elite of a random cell, so packings of every shape keep being improved.
# Every few steps the best elites of each island move to the next one,
# where they compete for their cell. As written it needs no key and no
# network (offline researcher).

campaign "island-grids" {
  task    = "circlepacking"
  workers = 1
  seed    = 2

  budget {
    steps = 18
    wall  = "2m"
  }
}

task {
  language = "go"
}

database {
  sampler            = "island_map_elites"
  islands            = 3    # each with its own grid
  grid_bins          = 4    # bins per feature dimension: 4 x 4 cells
  migration_interval = 6    # stored nodes between two migrations
  migration_rate     = 0.25 # share of an island's elites that moves on
  sample_n           = 3    # the parent and two other elites of its island
}

sandbox {
  memory  = "128MiB"
  timeout = "10s"
}
