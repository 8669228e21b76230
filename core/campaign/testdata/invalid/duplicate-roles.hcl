campaign "roles" {
  task = "circlepacking"
}

roles {
  max_repairs = 1
}

roles { # ERROR: Duplicate roles block
  max_repairs = 2
}
