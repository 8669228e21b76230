package report

import (
	"cmp"
	"context"
	"math"
	"slices"
	"strconv"

	"github.com/asi-evolve/asi/core/store"
)

// findingSource is the part of a store that holds the red team's
// findings and passes; *store.Store is one. A Source without it has none.
type findingSource interface {
	Findings(ctx context.Context) ([]store.Finding, error)
	EventsOfKind(ctx context.Context, kind string) ([]store.Event, error)
}

// loadFindings reads the findings and counts the red team's passes.
func (c *Campaign) loadFindings(ctx context.Context, st Source) error {
	fs, ok := st.(findingSource)
	if !ok {
		return nil
	}
	findings, err := fs.Findings(ctx)
	if err != nil {
		return err
	}
	passes, err := fs.EventsOfKind(ctx, store.EventRedteam)
	if err != nil {
		return err
	}
	c.Findings, c.RedteamPasses = findings, len(passes)
	return nil
}

// FindingExcess is how far f's score is past its bound, relative to the
// bound and in the campaign's direction: 0.5 is 50% better than any
// honest program should score.
func (c *Campaign) FindingExcess(f store.Finding) float64 {
	d := f.Score - f.Bound
	if !c.Maximize() {
		d = -d
	}
	return d / max(math.Abs(f.Bound), 1e-9)
}

// WorstFindings are up to n findings, furthest past their bound first
// (ties: the older first); n <= 0 returns them all.
func (c *Campaign) WorstFindings(n int) []store.Finding {
	out := slices.Clone(c.Findings)
	slices.SortStableFunc(out, func(a, b store.Finding) int { return cmp.Compare(c.FindingExcess(b), c.FindingExcess(a)) })
	if n > 0 && len(out) > n {
		out = out[:n]
	}
	return out
}

// FindingsOf are the findings against node id, oldest first.
func (c *Campaign) FindingsOf(id int64) []store.Finding {
	var out []store.Finding
	for _, f := range c.Findings {
		if f.NodeID == id {
			out = append(out, f)
		}
	}
	return out
}

// FindingRow is a finding with the attacked node's name and its numbers
// written out, for the HTML report.
type FindingRow struct {
	store.Finding
	Node   string // "node 7 (name)" or "initial program"
	Excess string // FindingExcess in percent
}

// FindingRows are every finding, furthest past its bound first.
func (c *Campaign) FindingRows() []FindingRow {
	var rows []FindingRow
	for _, f := range c.WorstFindings(0) {
		rows = append(rows, FindingRow{Finding: f, Node: c.FindingNode(f), Excess: strconv.FormatFloat(c.FindingExcess(f)*100, 'g', 4, 64) + "%"})
	}
	return rows
}

// FindingNode names the program a finding attacked.
func (c *Campaign) FindingNode(f store.Finding) string {
	if f.NodeID == store.InitialProgramNode {
		return "initial program"
	}
	s := "node " + strconv.FormatInt(f.NodeID, 10)
	if n, ok := c.Node(f.NodeID); ok && n.Name != "" {
		s += " (" + n.Name + ")"
	}
	return s
}
