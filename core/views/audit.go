package views

import (
	"fmt"
	"io"

	"github.com/asi-evolve/asi/core/report"
	"github.com/asi-evolve/asi/core/store"
)

// AuditReport is what the audit of the best nodes found: how many nodes
// it re-scored, and those it flagged as suspected reward hacks.
type AuditReport struct {
	Audited int           `json:"audited_nodes"`
	Flagged []FlaggedNode `json:"flagged"`
}

// FlaggedNode is a node the audit flagged.
type FlaggedNode struct {
	ID          int64   `json:"id"`
	Name        string  `json:"name"`
	Step        int64   `json:"audited_at_step"`
	PublicScore float64 `json:"public_score"`
	// HeldOutScore is absent when the task has no held-out stage or its
	// run failed (then Drop is 1).
	HeldOutScore *float64 `json:"held_out_score,omitempty"`
	Drop         *float64 `json:"drop,omitempty"`
	Verdict      string   `json:"verdict,omitempty"`
	Reason       string   `json:"reason,omitempty"`
}

// AuditReportOf is the audit of c; nil when nothing was audited.
func AuditReportOf(c *report.Campaign) *AuditReport {
	if len(c.Audits) == 0 {
		return nil
	}
	r := &AuditReport{Audited: c.AuditedCount(), Flagged: []FlaggedNode{}}
	for _, a := range c.Flagged() {
		r.Flagged = append(r.Flagged, flaggedNode(c, a))
	}
	return r
}

func flaggedNode(c *report.Campaign, a store.Audit) FlaggedNode {
	f := FlaggedNode{ID: a.NodeID, Step: a.Step, PublicScore: a.PublicScore, HeldOutScore: a.HeldOutScore, Drop: a.Drop, Verdict: a.Verdict, Reason: a.Reason}
	if n, ok := c.Node(a.NodeID); ok {
		f.Name = n.Name
	}
	return f
}

// heldOutText says what the held-out stage gave.
func (f FlaggedNode) heldOutText() string {
	switch {
	case f.HeldOutScore != nil && f.Drop != nil:
		return fmt.Sprintf("held-out %.6g (drop %.0f%%)", *f.HeldOutScore, *f.Drop*100)
	case f.Drop != nil:
		return "held-out run failed"
	}
	return "no held-out score"
}

// lines writes the audit lines of a status report.
func (a *AuditReport) lines(w io.Writer, primary string) {
	fmt.Fprintf(w, "  audit:      %d node(s) re-scored on the held-out stage, %d flagged\n", a.Audited, len(a.Flagged))
	for _, f := range a.Flagged {
		fmt.Fprintf(w, "  flagged:    node %d (%s): %s public %.6g, %s", f.ID, f.Name, primary, f.PublicScore, f.heldOutText())
		if f.Verdict != "" {
			fmt.Fprintf(w, ", judge: %s", f.Verdict)
		}
		fmt.Fprintln(w)
		if f.Reason != "" {
			fmt.Fprintf(w, "              %s\n", firstLineOf(f.Reason))
		}
	}
}

// FlaggedBest warns that the node `asi best` shows was flagged by the
// audit; it goes to stderr, so a redirected program stays clean.
func (v View) FlaggedBest(c *report.Campaign, n store.Node) {
	a, ok := c.AuditOf(n.ID)
	if !ok || !a.Flagged {
		return
	}
	f := flaggedNode(c, a)
	fmt.Fprintf(v.W, "warning: node %d is flagged by the audit as a suspected reward hack: %s public %.6g, %s",
		n.ID, c.Primary, f.PublicScore, f.heldOutText())
	if f.Verdict != "" {
		fmt.Fprintf(v.W, ", judge: %s", f.Verdict)
	}
	fmt.Fprintln(v.W)
	if f.Reason != "" {
		fmt.Fprintf(v.W, "  %s\n", firstLineOf(f.Reason))
	}
	fmt.Fprintln(v.W, "  see `asi status` for the audited nodes; `asi show` for this one.")
}
