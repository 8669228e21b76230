// Package metrics exposes campaigns in the Prometheus text format.
//
// Rules kept here:
//   - Every value is read at scrape time through the read model
//     (report.Load), so the engine carries no metrics code and the numbers
//     are the ones `asi status` shows, across restarts of `asi apply`.
//   - A scrape only reads.
package metrics
