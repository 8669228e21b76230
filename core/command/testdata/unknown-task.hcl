campaign "unknown-task" {
  task = "circlepackng"
}
