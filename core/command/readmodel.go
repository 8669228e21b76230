package command

import (
	"context"

	"github.com/asi-evolve/asi/core/report"
	"github.com/asi-evolve/asi/core/store"
	"github.com/asi-evolve/asi/core/views"
)

// campaignReport is what apply and status print about the campaign in st,
// with its top valid nodes. A store is read as summaries, and in full only
// the nodes the report names: the end of an apply of a long campaign must
// not read every program and analysis it wrote.
func campaignReport(ctx context.Context, st report.Source, top int) (views.Report, error) {
	full, ok := st.(*store.Store)
	if !ok {
		c, err := report.Load(ctx, st)
		if err != nil {
			return views.Report{}, err
		}
		return views.ReportOf(c, top), nil
	}
	c, err := report.LoadSummaries(ctx, full)
	if err != nil {
		return views.Report{}, err
	}
	if err := c.Complete(ctx, full, reportedNodes(views.ReportOf(c, top))); err != nil {
		return views.Report{}, err
	}
	return views.ReportOf(c, top), nil
}

// reportedNodes are the ids of the nodes r names.
func reportedNodes(r views.Report) []int64 {
	var ids []int64
	for _, n := range []*views.NodeSummary{r.Initial, r.Best} {
		if n != nil {
			ids = append(ids, n.ID)
		}
	}
	for _, n := range r.Top {
		ids = append(ids, n.ID)
	}
	if r.Front != nil {
		for _, m := range r.Front.Members {
			ids = append(ids, m.ID)
		}
		if r.Front.Preferred != nil {
			ids = append(ids, r.Front.Preferred.ID)
		}
	}
	if r.Audit != nil {
		for _, f := range r.Audit.Flagged {
			ids = append(ids, f.ID)
		}
	}
	return ids
}

// bestCurve reads a finished run in dir: the best valid primary score
// among the nodes of steps 0..k for each k in steps (NaN before the first
// valid node), the primary metric's name and the money spent.
func bestCurve(ctx context.Context, dir string, steps []int) ([]float64, string, float64, error) {
	c, err := report.LoadDir(ctx, dir)
	if err != nil {
		return nil, "", 0, err
	}
	return c.BestAt(steps), c.Primary, c.Usage.CostUSD, nil
}
