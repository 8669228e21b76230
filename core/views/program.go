package views

import (
	"fmt"
	"io"
	"strings"

	"github.com/asi-evolve/asi/sdk/bundle"
)

// ProgramFile is one file of a program of several files, as the -json
// outputs of best, show and export list it.
type ProgramFile struct {
	Path    string `json:"path"`
	Content string `json:"content"`
}

// ProgramFiles returns the files of code, or nil for a program of one
// file. A path that is invalid (absolute, escaping, repeated) is an error.
func ProgramFiles(code string) ([]ProgramFile, error) {
	if !bundle.IsBundle(code) {
		return nil, nil
	}
	files, err := bundle.Split(code)
	if err != nil {
		return nil, err
	}
	out := make([]ProgramFile, len(files))
	for i, f := range files {
		out[i] = ProgramFile{Path: f.Path, Content: f.Content}
	}
	return out, nil
}

// countLines counts lines as an editor does: a last line without "\n"
// counts, an empty text has none.
func countLines(s string) int {
	n := strings.Count(s, "\n")
	if s != "" && !strings.HasSuffix(s, "\n") {
		n++
	}
	return n
}

// programSection prints code under "Code:", or, for a program of several
// files, their list (path, lines) then each file under its path.
func programSection(w io.Writer, code string) {
	files, err := ProgramFiles(code)
	if files == nil {
		section(w, "Code", code)
		if err != nil {
			fmt.Fprintf(w, "\n(not split into files: %v)\n", err)
		}
		return
	}
	width := 0
	for _, f := range files {
		width = max(width, len(f.Path))
	}
	fmt.Fprintf(w, "\nFiles (%d):\n", len(files))
	for _, f := range files {
		n, unit := countLines(f.Content), "lines"
		if n == 1 {
			unit = "line"
		}
		fmt.Fprintf(w, "  %-*s  %d %s\n", width, f.Path, n, unit)
	}
	for _, f := range files {
		if strings.TrimSpace(f.Content) == "" {
			fmt.Fprintf(w, "\n%s:\n(empty)\n", f.Path)
			continue
		}
		section(w, f.Path, f.Content)
	}
}
