package views

import (
	"fmt"
	"strings"
)

// ApplyHeader is what apply says about a run before it starts.
type ApplyHeader struct {
	Campaign   string
	Task       string
	Workers    int
	Sampler    string
	Researcher string
	Dir        string
	Offline    []string // roles that run with no model
	Cognition  string   // the cognition store
	SeedFiles  int
	SeedAdded  int
	SeedErr    error // a failed cognition seed, shown even with JSON set
	Research   string
}

// ApplyHeader writes the header of a run. With JSON set only a warning is
// written (the JSON report goes to stdout; this goes to stderr).
func (v View) ApplyHeader(h ApplyHeader) {
	if !v.JSON {
		fmt.Fprintf(v.W, "Campaign %s: task %s, %d worker(s), sampler %s\n", h.Campaign, h.Task, h.Workers, h.Sampler)
		fmt.Fprintf(v.W, "  researcher: %s\n  state:      %s\n", h.Researcher, h.Dir)
		if len(h.Offline) > 0 {
			fmt.Fprintf(v.W, "  offline:    %s (no model: no calls or tokens are counted for them)\n", strings.Join(h.Offline, ", "))
		}
	}
	if h.SeedErr != nil {
		fmt.Fprintf(v.W, "Warning: cognition seed: %v\n", h.SeedErr)
	} else if !v.JSON && h.SeedFiles > 0 {
		fmt.Fprintf(v.W, "  cognition:  %s store, %d new item(s) from %d seed file(s)\n", h.Cognition, h.SeedAdded, h.SeedFiles)
	}
	if !v.JSON {
		fmt.Fprintf(v.W, "  research:   %s\n", h.Research)
	}
}

// NextSteps tells, after a finished run, how to look at its result.
func (v View) NextSteps(dir string) {
	if v.JSON {
		return
	}
	fmt.Fprintf(v.W, "\nNext: asi best -state %s   (the best program)\n      asi show -state %s N  (one node)\n", dir, dir)
}

// Interrupted says what an interrupt does: the first lets the steps in
// flight finish, a second stops at once.
func (v View) Interrupted(count int) {
	if count == 1 {
		fmt.Fprintln(v.W, "\nStopping after the steps in flight (interrupt again to stop now)...")
		return
	}
	fmt.Fprintln(v.W, "\nStopping now; unfinished steps will run on the next apply.")
}
