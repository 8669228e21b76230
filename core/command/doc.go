// Package command implements the asi command line: one file per verb.
// Each verb parses its arguments into a typed struct, runs, renders through
// core/views (text or -json) and returns an exit code: 0 success, 1 a
// problem the user can fix (diagnostics are printed), 2 bad usage.
package command
