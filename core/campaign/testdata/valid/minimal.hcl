campaign "minimal" {
  task = "circlepacking"
}
