// Package metrics exposes campaigns in the Prometheus text format.
//
// Rules: every value is derived from the campaign's store at scrape time,
// so the engine carries no metrics code and the numbers are the same as
// `asi status` shows, across restarts of `asi apply`. A scrape only reads.
package metrics
