package views

import (
	"fmt"
	"io"

	"github.com/asi-evolve/asi/core/report"
	"github.com/asi-evolve/asi/core/store"
)

// statusFindings is how many of the worst findings `asi status` lists as
// text; -json lists them all.
const statusFindings = 3

// StoredFinding is a red-team finding stored in a campaign: a program
// its evaluator scored valid and past a bound no honest program reaches.
type StoredFinding struct {
	// Node is the node whose program was attacked; -1 for the task's
	// initial program.
	Node      int64   `json:"node"`
	NodeName  string  `json:"node_name,omitempty"`
	Source    string  `json:"source"`
	Attack    string  `json:"attack"`
	Kind      string  `json:"kind"`
	Score     float64 `json:"score"`
	Bound     float64 `json:"bound"`
	BoundText string  `json:"bound_is"`
	// Excess is how far past the bound the score is, relative to it.
	Excess      float64 `json:"excess"`
	Description string  `json:"description,omitempty"`
	Feedback    string  `json:"feedback,omitempty"`
	Code        string  `json:"code"`
}

// FindingsOf are c's findings, furthest past their bound first; nil when
// there are none.
func FindingsOf(c *report.Campaign) []StoredFinding {
	var out []StoredFinding
	for _, f := range c.WorstFindings(0) {
		out = append(out, storedFinding(c, f))
	}
	return out
}

func storedFinding(c *report.Campaign, f store.Finding) StoredFinding {
	s := StoredFinding{Node: f.NodeID, Source: f.Source, Attack: f.Attack, Kind: f.Kind, Score: f.Score, Bound: f.Bound,
		BoundText: f.BoundText, Excess: c.FindingExcess(f), Description: f.Description, Feedback: f.Feedback, Code: f.Code}
	if n, ok := c.Node(f.NodeID); ok {
		s.NodeName = n.Name
	}
	return s
}

// where names the attacked program.
func (f StoredFinding) where() string {
	switch {
	case f.Node == store.InitialProgramNode:
		return "the initial program"
	case f.NodeName != "":
		return fmt.Sprintf("node %d (%s)", f.Node, f.NodeName)
	}
	return fmt.Sprintf("node %d", f.Node)
}

// redteamLines writes the red-team lines of a status report: the passes,
// the findings and the worst few.
func redteamLines(w io.Writer, r Report) {
	if r.RedteamPasses == 0 && len(r.Findings) == 0 {
		return
	}
	if len(r.Findings) == 0 {
		fmt.Fprintf(w, "  red team:   %d pass(es), no finding\n", r.RedteamPasses)
		return
	}
	fmt.Fprintf(w, "  red team:   %d pass(es), %d FINDING(S): the evaluator scored programs past a bound no honest program reaches\n",
		r.RedteamPasses, len(r.Findings))
	for i, f := range r.Findings {
		if i == statusFindings {
			fmt.Fprintf(w, "              ... %d more (asi status -json, asi report)\n", len(r.Findings)-i)
			break
		}
		fmt.Fprintf(w, "  finding:    %s (%s) against %s: %s %.6g vs bound %.6g\n", f.Attack, f.Kind, f.where(), r.Primary, f.Score, f.Bound)
	}
}

// FindingsBest warns that the campaign's evaluator has red-team
// findings, so the node `asi best` shows may score by a hole rather than a
// solution; it goes to stderr, so a redirected program stays clean.
func (v View) FindingsBest(c *report.Campaign, n store.Node) {
	if len(c.Findings) == 0 {
		return
	}
	worst := storedFinding(c, c.WorstFindings(1)[0])
	fmt.Fprintf(v.W, "warning: the red team found %d program(s) this campaign's evaluator scores past a bound without solving the problem",
		len(c.Findings))
	if own := len(c.FindingsOf(n.ID)); own > 0 {
		fmt.Fprintf(v.W, " (%d against node %d, this one)", own, n.ID)
	}
	fmt.Fprintf(v.W, "; the worst: %s %.6g vs bound %.6g (%s)\n", c.Primary, worst.Score, worst.Bound, worst.Attack)
	fmt.Fprintln(v.W, "  the evaluator has a hole: check this program by hand; see `asi status` or `asi report` for the findings.")
}
