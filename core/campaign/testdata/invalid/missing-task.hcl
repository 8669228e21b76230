campaign "no-task" { # ERROR: Missing required argument
  workers = 2
}
