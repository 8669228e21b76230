// Package command implements the asi command line: one file per verb.
// Each verb parses its arguments into a typed struct, runs, renders through
// core/views (text or -json) and returns an exit code: 0 success, 1 a
// problem the user can fix (diagnostics are printed), 2 bad usage.
//
// Rules kept here:
//   - A verb does not wire a run: core/backend opens what a campaign needs
//     and closes it; the read model (core/report) reads a stored campaign.
//   - Nothing here writes to a stream directly; every line goes through a
//     core/views method, so text and -json stay in one place.
//   - A verb function stays short (under 60 lines): parse, call, render.
package command
