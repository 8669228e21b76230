campaign "typo" {
  task    = "circlepacking"
  wrokers = 2
}
