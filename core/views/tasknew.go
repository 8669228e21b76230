package views

import (
	"fmt"
	"path/filepath"
	"strings"
)

// TaskNew is what `asi task new` drafted and checked.
type TaskNew struct {
	Dir    string // the folder written
	Drafts int    // how many drafts it took
	// Report is the checks of the draft that passed, as text.
	Report string
}

// TaskNew says where the drafted task is, what was checked and what to
// run next.
func (v View) TaskNew(t TaskNew) error {
	file := filepath.Join(t.Dir, "campaign.hcl")
	fmt.Fprintf(v.W, "Wrote %s: a drafted task that passed its checks (draft %d).\n\n", t.Dir, t.Drafts)
	fmt.Fprintf(v.W, "%s\n", strings.TrimRight(t.Report, "\n"))
	_, err := fmt.Fprintf(v.W, "\nThe evaluator was written by a model: read it, then\n  check it:  asi task check %s\n  audit it:  asi task audit %s\n  run it:    asi apply %s\n", file, file, file)
	return err
}
