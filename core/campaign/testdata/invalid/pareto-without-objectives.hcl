campaign "fronts" {
  task = "circlepacking"
}

database {
  sampler = "pareto" # ERROR: Pareto sampler without objectives
}
