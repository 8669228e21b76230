package command

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/asi-evolve/asi/core/report"
	"github.com/asi-evolve/asi/core/views"
)

// runShow prints one node in full: code, metrics, analysis, artifacts and
// LLM calls.
func runShow(ctx context.Context, args []string, s Streams) int {
	dir, a, code := inspectTarget("show", "[flags] [FILE|DIR] NODE", args, s, nodeArgs, nil)
	if dir == "" {
		return code
	}
	d, err := report.LoadNode(ctx, dir, a.node)
	if err != nil {
		return fail(err, s)
	}
	detail := views.NodeDetail{Node: d.Node, Artifacts: d.Artifacts, Calls: d.Calls, Findings: d.Findings}
	if p := d.Prompt; p != nil {
		detail.Prompt = &views.NodePrompt{ID: p.ID, Origin: p.Origin, Text: p.Text}
	}
	if a := d.Audit; a != nil {
		detail.Audit = &views.FlaggedNode{ID: a.NodeID, Name: d.Node.Name, Step: a.Step, PublicScore: a.PublicScore,
			HeldOutScore: a.HeldOutScore, Drop: a.Drop, Verdict: a.Verdict, Reason: a.Reason}
		detail.Flagged = a.Flagged
	}
	return render((views.View{W: s.Stdout, JSON: a.json}).Node(detail, d.Primary), s)
}

// nodeArgs takes `[FILE|DIR] NODE`.
func nodeArgs(a *inspectArgs, pos []string) error {
	if len(pos) == 0 || len(pos) > 2 {
		return errors.New("want a node id")
	}
	id, err := strconv.ParseInt(pos[len(pos)-1], 10, 64)
	if err != nil {
		return fmt.Errorf("node id %q is not a number", pos[len(pos)-1])
	}
	a.node = id
	if len(pos) == 2 {
		a.target = pos[0]
	}
	return nil
}
