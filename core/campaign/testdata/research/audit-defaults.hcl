campaign "audit" {
  task = "circlepacking"
}

audit {}
