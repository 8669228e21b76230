package views

import (
	"fmt"
	"io"

	"github.com/asi-evolve/asi/core/redteam"
)

// TaskAudit is the outcome of `asi task audit`: what the attacks did and
// the findings, attempts that scored past the bound without solving the
// problem. Error is why the audit could not run.
type TaskAudit struct {
	File      string            `json:"file"`
	Error     string            `json:"error,omitempty"`
	Task      string            `json:"task,omitempty"`
	Primary   string            `json:"primary,omitempty"`
	Direction string            `json:"direction,omitempty"`
	Honest    float64           `json:"honest_score"`
	Bound     float64           `json:"bound"`
	BoundText string            `json:"bound_is"`
	Attempts  int               `json:"attempts"`
	Valid     int               `json:"valid_attempts"`
	ByKind    map[string]int    `json:"attempts_by_kind,omitempty"`
	Findings  []redteam.Finding `json:"findings"`
	Notes     []string          `json:"notes,omitempty"`
	// StoredIn is the campaign directory the findings were stored in; ""
	// when they were not stored.
	StoredIn string `json:"stored_in,omitempty"`
}

// AuditAttempt writes one attempt as a progress line.
func AuditAttempt(w io.Writer, done int, a redteam.Attempt) {
	var what string
	switch {
	case a.Err != nil:
		what = "could not run: " + a.Err.Error()
	case a.Finding:
		what = fmt.Sprintf("FINDING: valid, scores %.6g", a.Outcome.Score)
	case a.Outcome.TimedOut:
		what = "invalid: timed out"
	case a.Outcome.Valid:
		what = fmt.Sprintf("valid, scores %.6g", a.Outcome.Score)
	default:
		what = "rejected: (no reason given)"
		if reason := firstLineOf(a.Outcome.Feedback); reason != "" {
			what = "rejected: " + cut(reason, 100)
		}
	}
	fmt.Fprintf(w, "  %3d  %-9s %-28s %s\n", done, a.Attack.Kind, a.Attack.Name, what)
}

// TaskAudit writes an audit. As text, a failed audit goes to stderr as
// "asi task audit: FILE: ERROR"; as JSON, one object goes to v.W either
// way.
func (v View) TaskAudit(a TaskAudit, stderr io.Writer) error {
	if a.Findings == nil {
		a.Findings = []redteam.Finding{}
	}
	if v.JSON {
		return v.json(a)
	}
	if a.Error != "" {
		_, err := fmt.Fprintf(stderr, "asi task audit: %s: %s\n", a.File, a.Error)
		return err
	}
	w := v.W
	fmt.Fprintf(w, "\nAudit of task %s (%s): %d attempts, %d scored valid.\n", a.Task, a.File, a.Attempts, a.Valid)
	fmt.Fprintf(w, "  honest:  %s = %.6g (%s)\n", a.Primary, a.Honest, a.Direction)
	fmt.Fprintf(w, "  bound:   %.6g, %s\n", a.Bound, a.BoundText)
	for _, n := range a.Notes {
		fmt.Fprintf(w, "  note:    %s\n", n)
	}
	if len(a.Findings) == 0 {
		_, err := fmt.Fprintf(w, "\nNo finding: no attempt scored past the bound.\n")
		return err
	}
	fmt.Fprintf(w, "\n%d finding(s): the evaluator scored these past the bound without a solution.\n", len(a.Findings))
	for i, f := range a.Findings {
		fmt.Fprintf(w, "\n  %d. %s (%s): %s = %.6g, bound %.6g\n", i+1, f.Attack, f.Kind, a.Primary, f.Score, f.Bound)
		if f.Description != "" {
			fmt.Fprintf(w, "     %s\n", f.Description)
		}
	}
	fmt.Fprintf(w, "\nEach finding's program and the evaluator's words on it: asi task audit -json.\n")
	if a.StoredIn != "" {
		fmt.Fprintf(w, "\nStored in %s: asi status, asi ui and asi report show them.\n", a.StoredIn)
	}
	return nil
}
