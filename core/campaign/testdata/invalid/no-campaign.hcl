# ERROR: Missing campaign block
database {
  sampler = "ucb1"
}
