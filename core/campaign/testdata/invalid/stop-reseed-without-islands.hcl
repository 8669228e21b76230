campaign "stall" {
  task = "circlepacking"
}

database {
  sampler = "map_elites"
}

stop {
  patience = 5
  response = "reseed" # ERROR: Reseed needs islands
}
