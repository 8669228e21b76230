// Package runner holds the Python side of the script task: asi_run.py, which
// runs an OpenEvolve or ShinkaEvolve evaluator on one candidate and prints one
// JSON result, and asi_lib, small stdlib-only modules that stand in for the
// openevolve and shinka packages those evaluators import.
//
// Rules:
//   - Everything here runs both under the machine's CPython and under
//     CPython compiled to WASI, so it uses the standard library only and
//     never starts processes or needs a writable filesystem.
//   - The runner exits 0 whenever it produced a result, an invalid candidate
//     included; a nonzero exit means the runner itself was misused.
//   - The last line of its stdout is the result, prefixed "ASI-RESULT "; the
//     evaluator's own prints go to stderr.
package runner

import (
	"embed"
	"fmt"
	"io/fs"
)

// Files holds asi_run.py and the asi_lib modules. Explicit patterns rather
// than a directory keep __init__.py (a directory embed skips "_" names) and
// leave out any __pycache__ left by a local run.
//
//go:embed asi_run.py asi_lib/*/*.py asi_lib/*/*/*.py
var Files embed.FS

// Write adds every file of Files to dst under prefix followed by its path,
// e.g. prefix ".asi/" gives ".asi/asi_run.py" and
// ".asi/asi_lib/openevolve/__init__.py". The runner finds asi_lib beside
// itself, so both must land under the same prefix.
func Write(dst map[string][]byte, prefix string) error {
	return fs.WalkDir(Files, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		data, err := Files.ReadFile(path)
		if err != nil {
			return fmt.Errorf("runner file %s: %w", path, err)
		}
		dst[prefix+path] = data
		return nil
	})
}
