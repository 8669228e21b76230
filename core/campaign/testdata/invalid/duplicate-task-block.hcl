campaign "tasks" {
  task = "circlepacking"
}

task {
  language = "go"
}
task { # ERROR: Duplicate task block
}
