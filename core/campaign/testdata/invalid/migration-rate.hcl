campaign "islands" {
  task = "circlepacking"
}

database {
  sampler        = "island"
  migration_rate = 1.5 # ERROR: Value out of range
}
