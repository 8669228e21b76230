package command

import (
	"errors"
	"fmt"

	"github.com/asi-evolve/asi/core/campaign"
	"github.com/asi-evolve/asi/core/report"
	"github.com/asi-evolve/asi/core/store"
	"github.com/asi-evolve/asi/core/views"
)

// errNoObjectives: `asi best -front` on a campaign without objective
// blocks.
var errNoObjectives = errors.New("the campaign has no objective blocks, so no Pareto front")

// showFront prints the Pareto front of c for `asi best -front`.
func showFront(c *report.Campaign, a inspectArgs, s Streams) int {
	f := views.FrontOf(c)
	if f == nil {
		return fail(fmt.Errorf("%s: %w; `asi best` prints the best node by %s", c.Dir, errNoObjectives, c.Primary), s)
	}
	return render((views.View{W: s.Stdout, JSON: a.json}).Front(*f), s)
}

// bestOrPreferred is the node `asi best` prints: the preferred point of
// the Pareto front when the campaign has objectives and a node on it (said
// on stderr in text mode), else the best node by the primary metric.
func bestOrPreferred(c *report.Campaign, s Streams, json bool) (store.Node, bool) {
	if f := views.FrontOf(c); f != nil && f.Preferred != nil {
		if n, ok := c.Node(f.Preferred.ID); ok {
			if !json {
				views.View{W: s.Stderr}.PreferredNote(*f)
			}
			return n, true
		}
	}
	return c.Best()
}

// objectivesPlan lists the objective blocks for `asi plan`.
func objectivesPlan(cfg *campaign.Config) []string {
	var out []string
	for _, o := range cfg.Objectives {
		out = append(out, fmt.Sprintf("%s (%s)", o.Metric, o.Direction))
	}
	return out
}
