// Package views renders command results for people (text, progress bars)
// and for scripts (-json). Commands compute; views only print.
//
// Rules kept here:
//   - Every verb's output, errors included, is written here; verbs never
//     print to their streams themselves.
//   - A stored campaign is shown from the read model (report.Campaign):
//     ReportOf turns it into what apply and status print.
//   - Text and JSON say the same things; JSON field names are a contract
//     with scripts and do not change.
//   - No view ever prints an API key: the values it receives have none.
package views
