campaign "sampler" {
  task = "circlepacking"
}

database {
  sampler = "ucbl" # ERROR: Unknown sampler
}
