package command

import (
	"context"

	"github.com/asi-evolve/asi/core/report"
	"github.com/asi-evolve/asi/core/views"
)

// campaignReport is what apply and status print about the campaign in st,
// with its top valid nodes.
func campaignReport(ctx context.Context, st report.Source, top int) (views.Report, error) {
	c, err := report.Load(ctx, st)
	if err != nil {
		return views.Report{}, err
	}
	return views.ReportOf(c, top), nil
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
