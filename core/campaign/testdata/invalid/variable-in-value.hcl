campaign "variables" {
  task = model.main # ERROR: Variables not allowed
}
