campaign "typo" {
  task = "circlepacking"
}

databse { # ERROR: Unsupported block type
  sampler = "ucb1"
}
