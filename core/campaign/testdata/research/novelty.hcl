campaign "novelty" {
  task = "circlepacking"
}

novelty {}
